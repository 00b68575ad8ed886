/**
 * The tool answers and the sharing of identical parallel tool calls (nodes/Veo3/engine/agentTool.ts), with a
 * minimal context: these parts read only the execution id, the node and the cancel signal.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	answerAsTool,
	toolAnswer,
	toolErrorAnswer,
	TOOL_RETRY_AFTER_SECONDS,
} from '../../../../../nodes/Veo3/engine/agentTool';
import { ExecutionCancelledError } from '../../../../../nodes/kie/base/pause';

function context(executionId = 'exec-1', abort?: AbortController): IExecuteFunctions {
	return {
		getExecutionId: () => executionId,
		getNode: () => ({ name: 'Make Video', type: 'n8n-nodes-veo3.veo3Tool' }),
		getExecutionCancelSignal: () => abort?.signal,
	} as unknown as IExecuteFunctions;
}

const items = (json: IDataObject): INodeExecutionData[] => [{ json }];

/** A stand-in operation that counts its runs and finishes when told. */
function slowOperation() {
	let runs = 0;
	let finish: () => void = () => undefined;
	const done = new Promise<void>((resolve) => (finish = resolve));
	const run = async () => {
		runs += 1;
		await done;
		return [
			[{ json: { taskId: `task-${runs}`, status: 'success', videoUrl: `https://v/${runs}.mp4` } }],
		];
	};
	return { run, finish, runs: () => runs };
}

test('identical calls running at the same time share one run (one create) and get the same answer', async () => {
	const op = slowOperation();
	const args = { prompt: 'A fox', aspectRatio: '9:16' };
	const first = answerAsTool(context(), items({ ...args, toolCallId: 'call_1' }), op.run);
	const second = answerAsTool(
		context(),
		items({ aspectRatio: '9:16', prompt: 'A fox', toolCallId: 'call_2' }),
		op.run,
	);
	op.finish();
	const [a, b] = await Promise.all([first, second]);
	expect(op.runs()).toBe(1);
	expect(a[0][0].json).toEqual(b[0][0].json);
	expect(a[0][0].json).toMatchObject({ status: 'success', taskId: 'task-1' });
});

test('different arguments, another execution, or calls without arguments are never shared', async () => {
	for (const [left, right] of [
		[
			[context(), items({ prompt: 'A fox' })],
			[context(), items({ prompt: 'A wolf' })],
		],
		[
			[context('exec-1'), items({ prompt: 'A fox' })],
			[context('exec-2'), items({ prompt: 'A fox' })],
		],
		[
			[context(), []],
			[context(), []],
		],
	] as Array<
		[[IExecuteFunctions, INodeExecutionData[]], [IExecuteFunctions, INodeExecutionData[]]]
	>) {
		const op = slowOperation();
		const both = Promise.all([
			answerAsTool(left[0], left[1], op.run),
			answerAsTool(right[0], right[1], op.run),
		]);
		op.finish();
		await both;
		expect(op.runs()).toBe(2);
	}
});

test('a call after the first one finished runs again (the task ledger, not this, reuses its task)', async () => {
	const op = slowOperation();
	op.finish();
	await answerAsTool(context(), items({ prompt: 'A fox' }), op.run);
	await answerAsTool(context(), items({ prompt: 'A fox' }), op.run);
	expect(op.runs()).toBe(2);
});

test('an error becomes an answer; a stop stays a stop', async () => {
	const failing = async (): Promise<INodeExecutionData[][]> => {
		throw Object.assign(new Error('Invalid "Aspect Ratio": "4:3" is not allowed'), {
			description: 'Allowed: 16:9, 9:16, Auto',
		});
	};
	const [[answer]] = await answerAsTool(context(), items({ aspectRatio: '4:3' }), failing);
	expect(answer.json).toEqual({
		status: 'error',
		message: 'Invalid "Aspect Ratio": "4:3" is not allowed Allowed: 16:9, 9:16, Auto',
	});
	const stopped = async (): Promise<INodeExecutionData[][]> => {
		throw new ExecutionCancelledError();
	};
	await expect(answerAsTool(context(), items({ prompt: 'x' }), stopped)).rejects.toThrow(
		ExecutionCancelledError,
	);
});

test('answers: every state in one compact shape, with the task ID wherever one exists', () => {
	expect(
		toolAnswer({ taskId: 't1', status: 'generating', prompt: 'p', model: 'veo3_fast' }),
	).toEqual({
		status: 'rendering',
		taskId: 't1',
		retryAfterSeconds: TOOL_RETRY_AFTER_SECONDS,
		message: expect.stringContaining('Get Details for task t1'),
	});
	expect(toolAnswer({ error: 'Timed out', status: 'timeout', taskId: 't2' })).toMatchObject({
		status: 'rendering',
		taskId: 't2',
	});
	expect(
		toolAnswer({ taskId: 't3', status: 'failed', errorMessage: 'Content policy', errorCode: 400 }),
	).toEqual({
		status: 'failed',
		taskId: 't3',
		message: 'The render failed: Content policy',
	});
	expect(
		toolAnswer({
			taskId: 't4',
			status: 'success',
			videoUrls: ['https://a', 'https://b'],
			videoUrl: 'https://a',
			originUrls: [],
			errorCode: null,
			estimatedCredits: 60,
		}),
	).toEqual({
		status: 'success',
		taskId: 't4',
		videoUrl: 'https://a',
		videoUrls: ['https://a', 'https://b'],
		estimatedCredits: 60,
		message: 'The video is ready: https://a',
	});
	expect(toolAnswer({ credits: 1200 })).toEqual({
		status: 'success',
		credits: 1200,
		message: 'The kie.ai account has 1200 credits left.',
	});
	expect(
		toolAnswer({
			error: 'Download failed',
			status: 'success',
			taskId: 't5',
			videoUrl: 'https://c',
		}),
	).toMatchObject({ status: 'success', videoUrl: 'https://c' });
	const refused = Object.assign(new Error('Spending cap reached: … Nothing was sent.'), {
		name: 'SpendRefusedError',
	});
	expect(toolErrorAnswer(refused)).toMatchObject({
		status: 'refused',
		message: expect.stringContaining('Nothing was sent.'),
	});
	expect(
		String(toolErrorAnswer(new Error(`line one\nline two ${'x'.repeat(500)}`)).message),
	).toMatch(/^line one line two x+\.\.\.$/);
});
