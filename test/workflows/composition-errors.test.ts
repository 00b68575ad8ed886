/**
 * n8n's node settings as users know them, run by n8n-core's own WorkflowExecute (its Retry On Fail
 * loop, its error-output routing, Execute Once, Always Output Data, cancel, "Retry execution"):
 * every input item ends exactly once, failures reach the error output, and no paid task is created
 * twice for one item or lost.
 */
import type { IConnections, IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import {
	ITEMS_TYPE,
	node,
	retryExecution,
	runWorkflow,
	startWorkflow,
	VEO3_TYPE,
	type HarnessRun,
} from '../harness/engine';
import { ENDPOINT, FAST_WAIT, PNG_BASE64, until, useSimulator } from './helpers';

const fx = useSimulator('sk-composition-errors-5d21');

const generate = (options: IDataObject = {}, waitMode = 'poll'): IDataObject => ({
	resource: 'video',
	operation: 'generate',
	prompt: '={{ $json.prompt }}',
	waitMode,
	options: { ...FAST_WAIT, ...options },
});

async function run(
	items: IDataObject[],
	parameters: IDataObject,
	settings: Partial<INode> = {},
): Promise<HarnessRun> {
	const nodes = [
		node('Items', ITEMS_TYPE, { items: JSON.stringify(items) }),
		node('Veo3', VEO3_TYPE, parameters, settings),
	];
	const connections: IConnections = {
		Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] },
	};
	return await runWorkflow({ nodes, connections, credentials: fx.creds() });
}

const rows = (prompts: string[]): IDataObject[] => prompts.map((prompt, row) => ({ prompt, row }));
const pairs = (items: INodeExecutionData[]) =>
	items.map((i) => (i.pairedItem as { item: number }).item);

describe('On Error: Continue (using error output)', () => {
	it('10 mixed items: successes on the main output, failures on the error output, each item once, paired', async () => {
		const prompts = Array.from({ length: 10 }, (_, i) =>
			i % 3 === 1 ? `[fail] shot ${i}` : `shot ${i}`,
		);
		const result = await run(rows(prompts), generate(), { onError: 'continueErrorOutput' });
		expect(result.run.status).toBe('success');
		const ok = result.output('Veo3', 0);
		const failed = result.output('Veo3', 1);
		expect([ok.length, failed.length]).toEqual([7, 3]);
		expect(ok.every((i) => i.json.status === 'success')).toBe(true);
		expect([...pairs(ok), ...pairs(failed)].sort((a, b) => a - b)).toEqual(
			prompts.map((_, i) => i),
		);
		const tasks = new Map(fx.sim.tasks().map((t) => [t.prompt, t.id]));
		for (const item of failed) {
			const row = (item.pairedItem as { item: number }).item;
			// n8n adds the input item's fields; ours are under `error` and `details`.
			expect(item.json).toMatchObject({
				prompt: prompts[row],
				row,
				error: expect.stringContaining('Generation failed'),
			});
			expect(item.json.details).toMatchObject({
				taskId: tasks.get(prompts[row]),
				status: 'failed',
				errorCode: 501,
			});
		}
		expect(fx.sim.counters().tasksCreated).toBe(10);
	});

	it.each(['none', 'callback'])(
		'a create kie refuses (wait mode %s) goes to the error output',
		async (waitMode) => {
			fx.sim.configure({ credits: 0 });
			const result = await run(rows(['a bridge']), generate({}, waitMode), {
				onError: 'continueErrorOutput',
			});
			expect(result.run.status).toBe('success');
			expect(result.output('Veo3', 0)).toEqual([]);
			expect(result.output('Veo3', 1)).toEqual([
				expect.objectContaining({
					json: expect.objectContaining({
						error: expect.stringContaining('402'),
						prompt: 'a bridge',
					}),
					pairedItem: { item: 0 },
				}),
			]);
		},
	);

	it('Get Details of an unknown task goes to the error output', async () => {
		const result = await run(
			[{ id: 'nope' }],
			{ resource: 'video', operation: 'getDetails', taskId: '={{ $json.id }}' },
			{ onError: 'continueErrorOutput' },
		);
		expect(result.output('Veo3', 0)).toEqual([]);
		expect(result.output('Veo3', 1)).toHaveLength(1);
	});

	it("with Always Output Data and every item failing: the main output gets n8n's one empty item", async () => {
		const result = await run(rows(['[fail] a', '[fail] b']), generate(), {
			onError: 'continueErrorOutput',
			alwaysOutputData: true,
		});
		expect(result.output('Veo3', 0).map((i) => i.json)).toEqual([{}]);
		expect(result.output('Veo3', 1)).toHaveLength(2);
	});
});

describe('Retry On Fail', () => {
	const cells: Array<[number, string]> = [];
	for (const tries of [2, 3, 4, 5])
		for (const onError of ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'])
			cells.push([tries, onError]);

	it.each(cells)(
		'%i tries, %s, one render failing among 3 items: exactly 3 tasks',
		async (maxTries, onError) => {
			const prompts = ['a [fail] sunrise', 'a noon', 'a dusk'];
			const result = await run(rows(prompts), generate(), {
				retryOnFail: true,
				maxTries,
				waitBetweenTries: 1,
				onError: onError as INode['onError'],
			});
			expect(fx.sim.counters().tasksCreated).toBe(3);
			const failedTask = fx.sim.tasks().find((t) => t.prompt === prompts[0])!.id;
			if (onError === 'stopWorkflow') {
				expect(result.run.status).toBe('error');
				expect(String(result.run.data.resultData.error?.message)).toContain(failedTask);
			} else {
				const all = [...result.output('Veo3', 0), ...result.output('Veo3', 1)];
				expect(pairs(all).sort()).toEqual([0, 1, 2]);
				expect(
					JSON.stringify(all.find((i) => (i.pairedItem as { item: number }).item === 0)!.json),
				).toContain(failedTask);
			}
			// The engine did run the node again (the retries were real): the failed task was read each time.
			const reads = fx.apiRequests(ENDPOINT.recordInfo).filter((r) => r.path.includes(failedTask));
			expect(reads.length).toBeGreaterThanOrEqual(maxTries);
		},
	);

	it('an image from a binary field (uploaded again on each try, to a new URL): still one task', async () => {
		const png = { data: PNG_BASE64, mimeType: 'image/png', fileName: 'photo.png' };
		const parameters = {
			...generate(),
			prompt: '[fail] it comes alive',
			mode: 'image',
			imageSource: 'binary',
			binaryPropertyNames: 'data',
		};
		const result = await run([{ binary: { data: png } }], parameters, {
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 1,
		});
		expect(result.run.status).toBe('error');
		expect(fx.apiRequests(ENDPOINT.streamUpload).length).toBeGreaterThanOrEqual(2);
		expect(fx.sim.counters().tasksCreated).toBe(1);
	});

	it('a create answered 500 after kie accepted it: one task, never re-sent, the error says it may exist', async () => {
		fx.sim.configure({
			faults: { create500AfterCommit: true, http500: { rate: 1, scope: 'creates' } },
		});
		const result = await run(rows(['a harbour']), generate(), {
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 1,
		});
		expect(result.run.status).toBe('error');
		expect(fx.apiRequests(ENDPOINT.generate)).toHaveLength(1);
		expect(fx.sim.counters().tasksCreated).toBe(1);
		expect(String(result.run.data.resultData.error?.message)).toMatch(
			/may or may not have been created/,
		);
	});
});

describe('Retry execution (from the executions list)', () => {
	it('after a timeout, the retried execution picks up the task the first one paid for', async () => {
		fx.sim.configure({ renderMs: 400, faults: { http500: { rate: 1, scope: 'reads' } } });
		const first = await run(
			rows(['a lighthouse']),
			generate({ maxWaitMinutes: 0.005, readRetries: 0 }),
		);
		expect(first.run.status).toBe('error');
		const [task] = fx.sim.tasks();
		expect(String(first.run.data.resultData.error?.message)).toContain(task.id);
		fx.sim.configure({ faults: { http500: { rate: 0 } } });
		const retried = await retryExecution(first);
		expect(retried.run.status).toBe('success');
		expect(retried.output('Veo3')[0].json).toMatchObject({ taskId: task.id, status: 'success' });
		expect(fx.sim.counters().tasksCreated).toBe(1);
	});

	it('"with currently saved workflow" and a changed prompt: a new request, so a new task', async () => {
		fx.sim.configure({ faults: { http500: { rate: 1, scope: 'reads' } } });
		const first = await run(rows(['a tower']), generate({ maxWaitMinutes: 0.005, readRetries: 0 }));
		fx.sim.configure({ faults: { http500: { rate: 0 } } });
		const changed = [
			node('Items', ITEMS_TYPE, { items: '[]' }),
			node('Veo3', VEO3_TYPE, { ...generate(), prompt: '={{ $json.prompt }} at dawn' }),
		];
		const retried = await retryExecution(first, changed);
		expect(retried.run.status).toBe('success');
		expect(fx.sim.counters().tasksCreated).toBe(2);
	});
});

describe('Execute Once', () => {
	it('only the first item is sent: one task', async () => {
		const result = await run(rows(['one', 'two', 'three']), generate(), { executeOnce: true });
		expect(result.output('Veo3').map((i) => i.json.prompt)).toEqual(['one']);
		expect(fx.sim.counters().tasksCreated).toBe(1);
	});
});

describe('Stop', () => {
	it("stopping while polling keeps every created task ID in the execution's custom data", async () => {
		fx.sim.configure({ renderMs: 600_000 });
		const nodes = [
			node('Items', ITEMS_TYPE, { items: JSON.stringify(rows(['a', 'b', 'c'])) }),
			node('Veo3', VEO3_TYPE, generate({ maxWaitMinutes: 30 })),
		];
		const started = await startWorkflow({
			nodes,
			connections: { Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] } },
			credentials: fx.creds(),
		});
		await until(() => fx.apiRequests(ENDPOINT.recordInfo).length >= 3, 5000, 'polling');
		started.cancel();
		const stopped = await started.done;
		expect(stopped.run.status).toBe('canceled');
		// What the engine hands n8n's save hook at the stop (n8n saves the execution's custom data then).
		const saved = Object.values(started.saved()?.data.resultData.metadata ?? {})
			.join(' ')
			.split(' ');
		expect(saved.sort()).toEqual(
			fx.sim
				.tasks()
				.map((t) => t.id)
				.sort(),
		);
	});
});
