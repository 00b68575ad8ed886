/**
 * Cancelling an execution while the node waits for a render: n8n's stop (WorkflowExecute's
 * PCancelable.cancel → the execution's abort signal) ends the wait at once and the node stops
 * asking kie.ai about the task.
 */
import { dirname } from 'path';

import { itemsThenVeo3, startWorkflow, type StartedWorkflow } from '../harness/engine';
import { ENDPOINT, sleep, until, useSimulator } from './helpers';

const fx = useSimulator('sk-cancel-a8e210');

/** n8n's Logger, as the engine's node contexts get it (n8n-core's own copy of its DI container). */
function enginesLogger(): { info: (...args: unknown[]) => void } {
	const fromCore = (id: string) =>
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		require(require.resolve(id, { paths: [dirname(require.resolve('n8n-core'))] }));
	return fromCore('@n8n/di').Container.get(fromCore('@n8n/backend-common').Logger);
}

/** Settles with the run, or fails the test if the engine is still busy after `ms` (a liveness bound). */
async function settlesWithin<T>(work: Promise<T>, ms: number): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`still running ${ms} ms after cancel`)), ms);
	});
	try {
		return await Promise.race([work, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** Task IDs in the custom data of the execution as the engine handed it to n8n's save hook at the stop. */
function savedTaskIds(started: StartedWorkflow): string[] {
	return Object.values(started.saved()?.data.resultData.metadata ?? {})
		.join(' ')
		.split(' ')
		.filter(Boolean)
		.sort();
}

it.each([
	[
		'polling for a long render',
		{ pollIntervalSeconds: 0.05, maxWaitMinutes: 30 },
		{},
		ENDPOINT.recordInfo,
		4,
	],
	[
		'waiting between long poll intervals',
		{ pollIntervalSeconds: 600, maxWaitMinutes: 30 },
		{},
		ENDPOINT.generate,
		2,
	],
	[
		'waiting for a create slot',
		{ pollIntervalSeconds: 600, rateLimitMax: 1 },
		{ rateLimitWindowSeconds: 600 },
		ENDPOINT.generate,
		1,
	],
])(
	'cancel while %s: the run stops and no further requests reach kie.ai',
	async (_label, options, tuning, busyEndpoint, busyCount) => {
		fx.sim.configure({ renderMs: 600_000 });
		const items = [{ prompt: 'an endless sunset' }, { prompt: 'a second endless sunset' }];
		const started = await startWorkflow({
			...itemsThenVeo3(items, {
				resource: 'video',
				operation: 'generate',
				prompt: '={{ $json.prompt }}',
				waitMode: 'poll',
				...tuning,
				options,
			}),
			credentials: fx.creds(),
		});
		// Wait until the node is busy: checking renders, sleeping between checks, or holding a create back.
		await until(() => fx.apiRequests(busyEndpoint).length >= busyCount, 5000, 'node busy');
		// Let kie's answers to the creates arrive (a create still on the wire when the stop comes may
		// create a task whose ID never reaches n8n: the README says so).
		await sleep(50);

		started.cancel();
		// Far below the render (10 min), the poll interval and the limiter window: the wait was aborted.
		const run = await settlesWithin(started.done, 3000);
		expect(run.run.status).toBe('canceled');
		// n8n keeps no output of a node that was stopped, but every task created so far is named in the
		// execution's custom data, which n8n saves on a stop.
		expect(run.output('Veo3')).toEqual([]);
		expect(savedTaskIds(started)).toEqual(
			fx.sim
				.tasks()
				.map((t) => t.id)
				.sort(),
		);

		// A request already on the wire when the stop came may still be answered (loopback: within a few
		// ms); after that, nothing: no status checks, no creates, although the renders go on.
		await sleep(50);
		const seen = fx.apiRequests().length;
		await sleep(400);
		expect(fx.apiRequests()).toHaveLength(seen);
		expect(fx.sim.counters().tasksCreated).toBe(busyEndpoint === ENDPOINT.generate ? busyCount : 2);
		// The render itself goes on at kie.ai (there is no cancel API); the node just stopped waiting.
		expect(fx.sim.tasks().every((t) => t.state === 'generating')).toBe(true);
	},
);

it('cancel while submitting in Wait for Callback mode: the task already created is named in the saved execution', async () => {
	fx.sim.configure({ renderMs: 600_000 });
	const items = [{ prompt: 'a first wave' }, { prompt: 'a second wave' }];
	const options = { maxWaitMinutes: 30, rateLimitMax: 1, rateLimitWindowSeconds: 600 };
	const started = await startWorkflow({
		...itemsThenVeo3(items, {
			resource: 'video',
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			waitMode: 'callback',
			options,
		}),
		credentials: fx.creds(),
	});
	await until(() => fx.sim.counters().tasksCreated === 1, 5000, 'first create');
	await sleep(50);
	started.cancel();
	const run = await settlesWithin(started.done, 3000);
	expect(run.run.status).toBe('canceled');
	expect(fx.sim.counters().tasksCreated).toBe(1);
	expect(savedTaskIds(started)).toEqual([fx.sim.tasks()[0].id]);
});

it("a process that dies mid-poll keeps nothing of the node: n8n's log names each paid task once, without secrets", async () => {
	const info = jest.spyOn(enginesLogger(), 'info');
	try {
		fx.sim.configure({ renderMs: 600_000 });
		const started = await startWorkflow({
			...itemsThenVeo3([{ prompt: 'a logged sunrise' }, { prompt: 'a second logged sunrise' }], {
				resource: 'video',
				operation: 'generate',
				prompt: '={{ $json.prompt }}',
				waitMode: 'poll',
				options: { pollIntervalSeconds: 600, maxWaitMinutes: 30 },
			}),
			credentials: fx.creds(),
		});
		await until(() => fx.sim.tasks().length === 2, 5000, 'both tasks created');
		await sleep(50);
		const lines = info.mock.calls.filter(([message]) => String(message).startsWith('Veo3: '));
		expect(lines.map(([message]) => message).sort()).toEqual(
			fx.sim
				.tasks()
				.map(
					(t) =>
						`Veo3: kie.ai task ${t.id} created (execution ${started.executionId}, workflow wf-${started.executionId}, node "Veo3", item ${t.prompt.includes('second') ? 1 : 0})`,
				)
				.sort(),
		);
		expect(lines.map(([, meta]) => meta)).toContainEqual(
			expect.objectContaining({ executionId: started.executionId, node: 'Veo3' }),
		);
		expect(JSON.stringify(lines)).not.toContain(fx.apiKey);
		started.cancel();
		await settlesWithin(started.done, 3000);
	} finally {
		info.mockRestore();
	}
});
