import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { ExecutionCancelledError } from '../../kie/base/pause';
import { settle } from '../../kie/base/settle';

/**
 * How long a tool call waits for a render unless Max Wait Time is set: agents and chat front-ends
 * give up on a call long before the node's usual 30 minutes, and a "still rendering" answer with
 * the task ID lets the agent check back with Get Details instead.
 */
export const TOOL_MAX_WAIT_MINUTES = 4;

/** How long an agent is told to wait before asking again about a video that is still rendering. */
export const TOOL_RETRY_AFTER_SECONDS = 30;

/**
 * Default cap on credits one execution may spend through the tool when the user set no Max
 * Credits per Execution: enough for a few videos of an ordinary request, never an open tap for
 * an agent that loops (a Veo 3.1 Fast 720p video costs 60 credits, a Quality one 250).
 */
export const TOOL_DEFAULT_MAX_CREDITS = 600;

/**
 * Whether this run answers an AI agent's tool call. n8n adds a "<name>Tool" variant of every
 * node that is usable as a tool; an agent calls it either as a sub-node (where the context says
 * `isToolExecution()`) or, in n8n 2's AI Agent, by running that variant as an ordinary node (where
 * `isToolExecution()` is false, or missing in n8n 1), so the node type decides as well.
 */
export function runsAsTool(ctx: IExecuteFunctions): boolean {
	const probe = (ctx as { isToolExecution?: () => boolean }).isToolExecution;
	if (typeof probe === 'function' && probe.call(ctx) === true) return true;
	return ctx.getNode().type.endsWith('Tool');
}

/**
 * The wait mode a tool call really uses: never "Wait for Callback", which would park the whole
 * agent execution until kie.ai calls back; a tool call polls within its bound instead.
 */
export function toolWaitMode<T extends string>(ctx: IExecuteFunctions, chosen: T): T | 'poll' {
	return chosen === 'callback' && runsAsTool(ctx) ? 'poll' : chosen;
}

/**
 * A tool call's create reuses any earlier create of the same request in this execution, whichever
 * call made it: models repeat a call they did not trust or that seemed slow, and must not pay twice.
 */
export function asToolTask<T extends { reuse?: 'sameItem' | 'sameRequest' }>(
	ctx: IExecuteFunctions,
	task: T,
): T {
	if (runsAsTool(ctx)) task.reuse = 'sameRequest';
	return task;
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** One line, short enough for a model to relay as is. */
function oneLine(...parts: unknown[]): string {
	const line = parts
		.map(text)
		.filter((part): part is string => part !== undefined)
		.join(' ')
		.replace(/\s+/g, ' ')
		.trim();
	return line.length > 400 ? `${line.slice(0, 397)}...` : line;
}

function rendering(taskId: string | undefined, lead: string): IDataObject {
	return {
		status: 'rendering',
		...(taskId ? { taskId } : {}),
		retryAfterSeconds: TOOL_RETRY_AFTER_SECONDS,
		message: oneLine(
			lead,
			`Ask again with Get Details for task ${taskId ?? '(unknown)'} in about ${TOOL_RETRY_AFTER_SECONDS} seconds; do not create it again.`,
		),
	};
}

/**
 * The answer a model gets for one output item: status, the video URL(s), the task ID, the
 * estimated credits where known, and one sentence saying what happened and what to do next.
 * Stable keys, no nulls, no binary.
 */
export function toolAnswer(json: IDataObject): IDataObject {
	const taskId = text(json.taskId);
	const urls = (Array.isArray(json.videoUrls) ? json.videoUrls : [])
		.map(text)
		.filter((u): u is string => u !== undefined);
	const videoUrl = text(json.videoUrl) ?? urls[0];
	const extras: IDataObject = {};
	if (typeof json.estimatedCredits === 'number' && json.estimatedCredits > 0)
		extras.estimatedCredits = json.estimatedCredits;
	// A video made of scenes: how far it got, and where it stopped.
	for (const key of ['sceneCount', 'scenesDone', 'failedScene']) {
		if (typeof json[key] === 'number') extras[key] = json[key];
	}
	const withTask = (answer: IDataObject): IDataObject => ({
		...answer,
		...(taskId ? { taskId } : {}),
		...extras,
	});

	if (json.error !== undefined) {
		if (json.status === 'timeout' && typeof json.failedScene === 'number') {
			// Later scenes start only from this call: checking the scene's task would not finish the video.
			return withTask({
				status: 'failed',
				message: oneLine(
					`Scene ${json.failedScene} was still rendering when the wait ended.`,
					'Calling this tool again with the same arguments continues from the finished scenes without paying for them again.',
				),
			});
		}
		if (json.status === 'timeout')
			return { ...rendering(taskId, 'The video is still rendering.'), ...extras };
		if (json.status === 'success' && videoUrl) {
			return withTask({
				status: 'success',
				videoUrl,
				message: `The video is ready at ${videoUrl} (fetching the file failed, the link works).`,
			});
		}
		const status = json.status === 'failed' ? 'failed' : 'error';
		return withTask({
			status,
			message: oneLine(json.error, json.description, json.errorMessage) || 'The request failed.',
		});
	}
	if (json.status === 'generating')
		return { ...rendering(taskId, 'The video is rendering.'), ...extras };
	if (json.status === 'failed') {
		return withTask({
			status: 'failed',
			message: oneLine('The render failed:', json.errorMessage ?? 'no reason given by kie.ai.'),
		});
	}
	if (typeof json.credits === 'number') {
		return {
			status: 'success',
			credits: json.credits,
			message: `The kie.ai account has ${json.credits} credits left.`,
		};
	}
	if (videoUrl) {
		return withTask({
			status: 'success',
			videoUrl,
			...(urls.length > 1 ? { videoUrls: urls } : {}),
			message: `The video is ready: ${videoUrl}`,
		});
	}
	return withTask({ status: text(json.status) ?? 'success', message: 'Done.' });
}

/** What an error the operation threw (instead of an error item) becomes for the model. */
export function toolErrorAnswer(error: unknown): IDataObject {
	const e = error as { name?: string; message?: string; description?: string; reason?: string };
	if (e?.name === 'SpendRefusedError') {
		return {
			status: 'refused',
			message: oneLine(e.message, 'Tell the user; calling again will be refused too.'),
		};
	}
	return { status: 'error', message: oneLine(e?.message, e?.description) || 'The request failed.' };
}

/**
 * Runs an operation for an agent: every output item becomes a compact answer (binary left out:
 * a model cannot use it), and an error the operation throws becomes an answer the model can relay,
 * one per input item, instead of failing the agent's whole execution. A stop is still a stop.
 */
export async function answerAsTool(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	run: () => Promise<INodeExecutionData[][]>,
): Promise<INodeExecutionData[][]> {
	return await sharedWithIdenticalCalls(ctx, items, async () => await answer(ctx, items, run));
}

/**
 * Calls of the same tool with the same arguments that run at the same time in one execution (an
 * agent that runs a model turn's tool calls in parallel) share one run, so they never create two
 * paid tasks before either could see the other's. One after the other, the task ledger reuses.
 */
const callsInFlight = new Map<string, Promise<INodeExecutionData[][]>>();

async function sharedWithIdenticalCalls(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	run: () => Promise<INodeExecutionData[][]>,
): Promise<INodeExecutionData[][]> {
	// The call's own id differs per call and says nothing about what is asked.
	const args = items.map(({ json }) =>
		Object.fromEntries(
			Object.entries(json)
				.filter(([key]) => key !== 'toolCallId')
				.sort(([a], [b]) => a.localeCompare(b)),
		),
	);
	// Without arguments to compare, two calls cannot be told apart: never share then.
	if (args.length === 0 || args.every((json) => Object.keys(json).length === 0)) return await run();
	const key = JSON.stringify([ctx.getExecutionId(), ctx.getNode().name, args]);
	const running = callsInFlight.get(key);
	if (running) return await running;
	const started = run();
	callsInFlight.set(key, started);
	try {
		return await started;
	} finally {
		callsInFlight.delete(key);
	}
}

async function answer(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	run: () => Promise<INodeExecutionData[][]>,
): Promise<INodeExecutionData[][]> {
	const outcome = await settle(run);
	if (outcome.ok) {
		return outcome.value.map((output) =>
			output.map((item) => ({ json: toolAnswer(item.json), pairedItem: item.pairedItem })),
		);
	}
	const { error } = outcome;
	if (error instanceof ExecutionCancelledError || ctx.getExecutionCancelSignal()?.aborted)
		throw error;
	const answer = toolErrorAnswer(error);
	return [items.map((_, itemIndex) => ({ json: answer, pairedItem: { item: itemIndex } }))];
}
