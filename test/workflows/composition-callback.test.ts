/**
 * "Wait for Callback" composed with the rest of a workflow, in process (n8n-core's WorkflowExecute
 * and a stand-in for n8n's waiting webhooks): any number of waits in one execution resume, a
 * failure names every task, a 4K kie cannot make ends its item at once, reads stay near one or two
 * per video, and the node's name never enters an expression.
 */
import type { IConnections, IDataObject, INode } from 'n8n-workflow';

import {
	ITEMS_TYPE,
	LOOP_TYPE,
	node,
	runWorkflow,
	VEO3_TYPE,
	type HarnessRun,
} from '../harness/engine';
import { SimControl } from '../harness/kie';
import { CallbackServer } from '../harness/webhooks';
import { until, useSimulator } from './helpers';

const API_KEY = 'sk-composition-cb-41aa';
const HMAC = 'hmac-composition-cb-77e1';
const fx = useSimulator(API_KEY, {
	hmacKey: HMAC,
	renderMs: 60_000,
	fourKMs: 60_000,
	callbackRetries: 0,
	rateLimit: { max: 1000 },
});
const ctl = new SimControl(() => fx.sim);
const server = new CallbackServer();
beforeAll(async () => await server.start());
afterAll(async () => await server.stop());

const WAIT = { maxWaitMinutes: 2, readRetries: 1, retryDelayMs: 10 };
const generate = (extra: IDataObject = {}): IDataObject => ({
	resource: 'video',
	operation: 'generate',
	prompt: '={{ $json.prompt }}',
	waitMode: 'callback',
	options: { ...WAIT, ...extra },
});

async function start(nodes: INode[], connections: IConnections): Promise<HarnessRun> {
	const run = await runWorkflow({
		nodes,
		connections,
		credentials: fx.creds({ webhookHmacSecret: HMAC }),
		webhookWaitingBaseUrl: server.waitingBaseUrl,
	});
	expect(run.run.status).toBe('waiting');
	server.park(run);
	return run;
}

const chain = (...names: string[]): IConnections =>
	Object.fromEntries(
		names
			.slice(0, -1)
			.map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]),
	) as IConnections;

/** Completes every unfinished simulator task once `count` exist (the node created them). */
async function completeAll(count: number): Promise<string[]> {
	await until(() => fx.sim.tasks().length >= count, 5000, `${count} tasks`);
	const open = fx.sim.tasks().filter((t) => t.state === 'generating');
	for (const t of open) await ctl.complete(t.id);
	return open.map((t) => t.id);
}

it('Loop Over Items (batch 2) around Generate in callback mode: every batch resumes, 4 videos, 4 creates', async () => {
	const prompts = ['a fox', 'a hare', 'an owl', 'a deer'];
	const loop = node('Loop', LOOP_TYPE, { batchSize: 2 });
	const run = await start(
		[
			node('Items', ITEMS_TYPE, { items: JSON.stringify(prompts.map((prompt) => ({ prompt }))) }),
			loop,
			node('Veo3', VEO3_TYPE, generate()),
		],
		{
			Items: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
			Loop: { main: [[], [{ node: 'Veo3', type: 'main', index: 0 }]] },
			Veo3: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
		},
	);
	await completeAll(2);
	await until(() => fx.sim.tasks().length === 4, 5000, 'second batch created');
	await completeAll(4);
	const done = await server.waitFor(run.executionId);
	expect(server.execution(run.executionId)).toMatchObject({ state: 'success', continued: 2 });
	expect(done.output('Loop', 0).map((i) => [i.json.prompt, i.json.status])).toEqual(
		prompts.map((p) => [p, 'success']),
	);
	expect(fx.sim.counters().tasksCreated).toBe(4);
});

it('Generate (callback) → Extend (callback) → Get 4K (callback): each wait resumes', async () => {
	const run = await start(
		[
			node('Items', ITEMS_TYPE, { items: JSON.stringify([{ prompt: 'a glacier' }]) }),
			node('Veo3', VEO3_TYPE, generate()),
			node('Extend', VEO3_TYPE, {
				resource: 'video',
				operation: 'extend',
				taskId: '={{ $json.taskId }}',
				prompt: 'the ice cracks',
				waitMode: 'callback',
				options: WAIT,
			}),
			node('Upscale', VEO3_TYPE, {
				resource: 'video',
				operation: 'get4k',
				taskId: '={{ $json.taskId }}',
				videoIndex: 0,
				waitMode: 'callback',
				options: WAIT,
			}),
		],
		chain('Items', 'Veo3', 'Extend', 'Upscale'),
	);
	const [generated] = await completeAll(1);
	await until(() => fx.sim.tasks().length === 2, 5000, 'extend created');
	const [extended] = await completeAll(2);
	await until(() => fx.sim.task(extended)!.fourK.length === 1, 5000, '4K requested');
	await ctl.complete(extended);
	const done = await server.waitFor(run.executionId);
	expect(server.execution(run.executionId)).toMatchObject({ state: 'success', continued: 3 });
	expect(done.output('Extend')[0].json).toMatchObject({
		sourceTaskId: generated,
		taskId: extended,
		status: 'success',
	});
	expect(done.output('Upscale')[0].json).toMatchObject({
		taskId: extended,
		status: 'success',
		resolution: '4k',
	});
});

it('a node name with quotes and "}}" still resumes (the name never enters an expression)', async () => {
	const name = 'Veo3 "hero" }} {{ $json }}';
	const run = await start(
		[
			node('Items', ITEMS_TYPE, { items: '[{"prompt":"a kite"}]' }),
			node(name, VEO3_TYPE, generate()),
		],
		chain('Items', name),
	);
	await completeAll(1);
	const done = await server.waitFor(run.executionId);
	expect(done.output(name)[0].json).toMatchObject({ status: 'success', prompt: 'a kite' });
});

it("a failed render without Continue fails the execution at once, naming the other items' tasks", async () => {
	const prompts = ['a lake', '[fail] a puddle', 'a river'];
	const run = await start(
		[
			node('Items', ITEMS_TYPE, { items: JSON.stringify(prompts.map((prompt) => ({ prompt }))) }),
			node('Veo3', VEO3_TYPE, generate()),
		],
		chain('Items', 'Veo3'),
	);
	const ids = new Map(fx.sim.tasks().map((t) => [t.prompt, t.id]));
	// Only the failing one finishes: the others are still rendering, and the execution ends anyway.
	await ctl.complete(ids.get(prompts[1]) as string);
	const done = await server.waitFor(run.executionId);
	expect(server.execution(run.executionId).state).toBe('error');
	const error = done.run.data.resultData.error as unknown as {
		message: string;
		description: string;
	};
	expect(error.message).toContain(ids.get(prompts[1]));
	expect(error.description).toContain(`item 0: ${ids.get(prompts[0])} (still rendering)`);
	expect(error.description).toContain(`item 2: ${ids.get(prompts[2])} (still rendering)`);
});

it('Get 4K that kie cannot make ends its item at once (no wait until Max Wait), as an error item with Continue', async () => {
	fx.sim.configure({ fourKOutcome: 'fail' });
	const source = await fx.finishedTask('a cliff');
	const run = await start(
		[
			node('Items', ITEMS_TYPE, { items: '[{}]' }),
			node(
				'Veo3',
				VEO3_TYPE,
				{
					resource: 'video',
					operation: 'get4k',
					taskId: source,
					videoIndex: 0,
					waitMode: 'callback',
					options: WAIT,
				},
				{ onError: 'continueRegularOutput' },
			),
		],
		chain('Items', 'Veo3'),
	);
	await ctl.complete(source);
	const done = await server.waitFor(run.executionId);
	expect(done.output('Veo3')[0].json).toMatchObject({
		taskId: source,
		status: 'failed',
		error: expect.stringContaining('4K version of this video is unavailable'),
	});
});

it('callbacks one at a time on a batch of 12: at most 2 status reads per video, one resume', async () => {
	const prompts = Array.from({ length: 12 }, (_, i) => `tile ${i}`);
	const run = await start(
		[
			node('Items', ITEMS_TYPE, { items: JSON.stringify(prompts.map((prompt) => ({ prompt }))) }),
			node('Veo3', VEO3_TYPE, generate()),
		],
		chain('Items', 'Veo3'),
	);
	for (const task of fx.sim.tasks()) {
		await ctl.complete(task.id);
		await ctl.delivered(task.id);
	}
	await server.waitFor(run.executionId);
	const reads = [...ctl.recordReads().values()];
	expect(Math.max(...reads)).toBeLessThanOrEqual(2);
	expect(reads.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 * prompts.length);
	expect(server.execution(run.executionId).continued).toBe(1);
});

it('Continue (using error output) with Retry On Fail: the failed render on the error output, the other on main, two tasks', async () => {
	const prompts = ['[fail] a storm', 'a calm'];
	const run = await start(
		[
			node('Items', ITEMS_TYPE, {
				items: JSON.stringify(prompts.map((prompt, row) => ({ prompt, row }))),
			}),
			node('Veo3', VEO3_TYPE, generate(), {
				onError: 'continueErrorOutput',
				retryOnFail: true,
				maxTries: 3,
				waitBetweenTries: 1,
			}),
		],
		chain('Items', 'Veo3'),
	);
	const ids = await completeAll(2);
	const done = await server.waitFor(run.executionId);
	expect(done.output('Veo3', 0).map((i) => [i.json.prompt, i.json.status, i.pairedItem])).toEqual([
		['a calm', 'success', { item: 1 }],
	]);
	const [failed] = done.output('Veo3', 1);
	expect(failed.pairedItem).toEqual({ item: 0 });
	expect(failed.json).toMatchObject({
		prompt: '[fail] a storm',
		row: 0,
		error: expect.stringContaining('Generation failed'),
	});
	expect((failed.json.details as IDataObject).taskId).toBe(
		fx.sim.tasks().find((t) => t.prompt === prompts[0])!.id,
	);
	expect(fx.sim.counters().tasksCreated).toBe(2);
	expect(ids).toHaveLength(2);
});
