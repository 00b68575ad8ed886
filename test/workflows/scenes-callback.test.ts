/**
 * Generate Long Video (Scenes) with "Wait for Callback", in process: n8n-core's WorkflowExecute and
 * the stand-in for n8n's waiting webhooks (test/harness/webhooks.ts: the waiting node disabled
 * before webhook() runs, its parked run removed, webhook()'s items as its input). The execution
 * parks once per scene; each confirmed scene resumes it, the node runs again and creates the next.
 */
import type { IConnections, IDataObject, INode } from 'n8n-workflow';

import {
	ITEMS_TYPE,
	node,
	resumeUrlOf,
	runWorkflow,
	VEO3_TYPE,
	type HarnessRun,
} from '../harness/engine';
import { postCallback, signedHeaders, SimControl, successBody } from '../harness/kie';
import { CallbackServer } from '../harness/webhooks';
import { ENDPOINT, until, useSimulator } from './helpers';

const API_KEY = 'sk-scenes-callback-5d20';
const HMAC = 'hmac-scenes-callback-93fe';
// Tasks render "forever" unless a test finishes them, so the order of events is the test's.
const fx = useSimulator(API_KEY, {
	hmacKey: HMAC,
	renderMs: 60_000,
	callbackRetries: 0,
	rateLimit: { max: 1000 },
});
const ctl = new SimControl(() => fx.sim);
const server = new CallbackServer();
beforeAll(async () => await server.start());
afterAll(async () => await server.stop());

const THREE = [
	'A kite lifts off a beach',
	'The kite climbs over the dunes',
	'The kite lands by a lighthouse',
];

const scenes = (extra: IDataObject = {}): IDataObject => ({
	resource: 'video',
	operation: 'generateScenes',
	scenes: '={{ $json.scenes }}',
	model: 'veo3_fast',
	waitMode: 'callback',
	readRetries: 1,
	retryDelayMs: 10,
	...extra,
	options: { maxWaitMinutes: 2, ...((extra.options as object) ?? {}) },
});

/** Items → Veo3 (scenes, callback) → After (Get Details of the output's task), run until it parks; saved as waiting on the server. */
async function park(
	items: IDataObject[],
	parameters: IDataObject = scenes(),
	extra: Partial<INode> = {},
): Promise<HarnessRun> {
	const connections: IConnections = {
		Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] },
		Veo3: { main: [[{ node: 'After', type: 'main', index: 0 }]] },
	};
	const run = await runWorkflow({
		nodes: [
			node('Items', ITEMS_TYPE, { items: JSON.stringify(items) }),
			node('Veo3', VEO3_TYPE, parameters, extra),
			node('After', VEO3_TYPE, {
				resource: 'video',
				operation: 'getDetails',
				taskId: '={{ $json.taskId }}',
			}),
		],
		connections,
		credentials: fx.creds({ webhookHmacSecret: HMAC }),
		webhookWaitingBaseUrl: server.waitingBaseUrl,
	});
	expect(run.run.status).toBe('waiting');
	server.park(run);
	return run;
}

const creates = () =>
	fx
		.apiRequests()
		.filter((r) => r.endpoint === ENDPOINT.generate || r.endpoint === ENDPOINT.extend);

/** Finishes the newest task, waits for its callback(s), then for the node's next park (or the end). */
async function finishScene(run: HarnessRun, tasksAfter: number, copies = 1): Promise<string> {
	const task = fx.sim.tasks().at(-1)!;
	await ctl.complete(task.id);
	await ctl.delivered(task.id, copies);
	await until(
		() =>
			fx.sim.tasks().length === tasksAfter && server.execution(run.executionId).state !== 'running',
		5000,
		`${tasksAfter} tasks and a parked or finished execution`,
	);
	return task.id;
}

describe('a 3-scene video in callback mode', () => {
	it('makes 1 generate + 2 extends, parks 3 times, each scene created only after the previous one finished, one stitched video', async () => {
		const run = await park([{ scenes: THREE.join('\n') }]);
		const [first] = fx.sim.tasks();
		expect(first.kind).toBe('generate');
		expect(first.callBackUrl).toBe(resumeUrlOf(run));
		// Nothing runs while scene 1 renders: the execution is saved as waiting.
		expect(server.execution(run.executionId)).toMatchObject({ state: 'waiting', continued: 0 });

		await finishScene(run, 2);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'waiting', continued: 1 });
		const second = fx.sim.tasks()[1];
		expect(second).toMatchObject({ kind: 'extend', parentId: first.id, prompt: THREE[1] });
		// The re-parked execution has a resume URL of its own (n8n 2.x signs each), and kie gets it.
		expect(second.callBackUrl).toBe(resumeUrlOf(server.execution(run.executionId).saved));

		await finishScene(run, 3);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'waiting', continued: 2 });
		const third = fx.sim.tasks()[2];
		expect(third).toMatchObject({ kind: 'extend', parentId: second.id, prompt: THREE[2] });

		await finishScene(run, 3);
		const done = await server.waitFor(run.executionId);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'success', continued: 3 });
		expect(creates().map((r) => r.endpoint)).toEqual([
			ENDPOINT.generate,
			ENDPOINT.extend,
			ENDPOINT.extend,
		]);
		// Each scene's create came after kie's record of the previous scene said success.
		const requests = fx.apiRequests();
		const extendsAt = requests.flatMap((r, at) => (r.endpoint === ENDPOINT.extend ? [at] : []));
		for (const [k, parent] of [first, second].entries()) {
			const confirmed = requests.findIndex(
				(r) => r.endpoint === ENDPOINT.recordInfo && r.path.includes(parent.id),
			);
			expect(confirmed).toBeGreaterThanOrEqual(0);
			expect(extendsAt[k]).toBeGreaterThan(confirmed);
		}

		const out = done.output('Veo3');
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({
			status: 'success',
			taskId: third.id,
			sceneCount: 3,
			scenesDone: 3,
			creditsConsumed: 180,
			estimatedCredits: 180,
		});
		expect(String(out[0].json.videoUrl)).toContain(`${third.id}_0_full`);
		expect((out[0].json.scenes as IDataObject[]).map((s) => s.taskId)).toEqual([
			first.id,
			second.id,
			third.id,
		]);
		expect(out[0].binary).toBeUndefined();
		// Paired with the chain's original input item, and the next node got exactly that item.
		expect(out[0].pairedItem).toEqual({ item: 0 });
		const after = done.output('After');
		expect(after).toHaveLength(1);
		expect(after[0].json).toMatchObject({ taskId: third.id, status: 'success' });
		// One run of the node in the saved execution (n8n removes each parked run on resume).
		expect(done.run.data.resultData.runData.Veo3).toHaveLength(1);
		expect(done.run.data.resultData.runData.After).toHaveLength(1);
		expect(fx.sim.tasks().reduce((sum, t) => sum + t.creditsCharged, 0)).toBe(180);
	});

	it('duplicated and late callbacks create nothing extra and resume each park once', async () => {
		fx.sim.configure({ faults: { duplicateCallbackRate: 1 } });
		const run = await park([{ scenes: THREE.join('\n') }]);
		const first = await finishScene(run, 2, 2);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'waiting', continued: 1 });
		// Scene 1's callback again, after the execution moved on to scene 2: acknowledged, nothing else.
		await ctl.resend(first, { duplicate: 2 });
		await ctl.delivered(first, 5);
		expect(
			ctl
				.deliveries(first)
				.slice(2)
				.map((d) => d.status),
		).toEqual([200, 200, 200]);
		expect(fx.sim.tasks()).toHaveLength(2);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'waiting', continued: 1 });

		await finishScene(run, 3, 2);
		const last = await finishScene(run, 3, 2);
		await server.waitFor(run.executionId);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'success', continued: 3 });
		expect(server.finished.get(run.executionId)?.output('Veo3')).toHaveLength(1);
		expect(creates()).toHaveLength(3);
		// A copy after the end finds the execution finished (n8n's 409): nothing resumes.
		await ctl.resend(last);
		await ctl.delivered(last, 3);
		expect(ctl.deliveries(last)[2].status).toBe(409);
		expect(server.execution(run.executionId).continued).toBe(3);
		expect(creates()).toHaveLength(3);
	});

	it('a success callback of a scene kie still reports as rendering does not resume; unsigned or unknown ones are refused', async () => {
		const run = await park([{ scenes: THREE.slice(0, 2).join('\n') }]);
		const [first] = fx.sim.tasks();
		const url = resumeUrlOf(run);
		// Signed and well-formed, but kie's record says generating: the body's word is not taken.
		const early = await postCallback(url, successBody(first.id), signedHeaders(HMAC, first.id));
		expect(early).toMatchObject({ status: 200, body: { received: true, waiting: true } });
		const unsigned = await postCallback(url, successBody(first.id));
		expect(unsigned.status).toBe(401);
		const other = await ctl.createTask(API_KEY, 'someone else');
		const unknown = await postCallback(url, successBody(other), signedHeaders(HMAC, other));
		expect(unknown.status).toBe(400);
		expect(fx.sim.tasks()).toHaveLength(2);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'waiting', continued: 0 });
		// kie's own callback, once the record says success, resumes it.
		await ctl.complete(first.id);
		await until(
			() => fx.sim.tasks().length === 3 && server.execution(run.executionId).state === 'waiting',
		);
		expect(fx.sim.tasks()[2]).toMatchObject({ kind: 'extend', parentId: first.id });
		expect(server.execution(run.executionId)).toMatchObject({ state: 'waiting', continued: 1 });
	});
});

describe('a failed scene', () => {
	const failing = [THREE[0], 'The kite tears apart [content-policy]', THREE[2]];

	it('ends the video with the finished part, and sends nothing after it (Continue On Fail)', async () => {
		const run = await park([{ scenes: failing.join('\n') }], scenes(), {
			onError: 'continueRegularOutput',
		});
		const first = await finishScene(run, 2);
		await finishScene(run, 2);
		const done = await server.waitFor(run.executionId);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'success', continued: 2 });
		expect(creates()).toHaveLength(2);
		const [item] = done.output('Veo3');
		expect(item.json).toMatchObject({
			status: 'failed',
			failedScene: 2,
			sceneCount: 3,
			scenesDone: 1,
			creditsConsumed: 120,
			videoUrl: expect.stringContaining(first),
			scenes: [expect.objectContaining({ scene: 1, taskId: first })],
		});
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('without Continue On Fail the execution fails naming the scene and the finished part; the next node does not run', async () => {
		const run = await park([{ scenes: failing.join('\n') }]);
		const first = await finishScene(run, 2);
		await finishScene(run, 2);
		const done = await server.waitFor(run.executionId);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'error', continued: 2 });
		const error = done.run.data.resultData.error as unknown as {
			message: string;
			description?: string;
		};
		expect(error.message).toMatch(/^Scene 2 of 3 failed: /);
		expect(error.description).toContain(`scene 1: ${first}`);
		expect(done.run.data.resultData.runData.After).toBeUndefined();
		expect(creates()).toHaveLength(2);
	});
});

describe('two videos in one execution', () => {
	it('each goes on when its own scene is confirmed; one output item per video, in input order', async () => {
		const run = await park([
			{ scenes: 'a red kite\na red kite lands' },
			{ scenes: 'a blue kite\na blue kite lands' },
		]);
		const byPrompt = () => new Map(fx.sim.tasks().map((t) => [t.prompt, t]));
		expect(fx.sim.tasks()).toHaveLength(2);
		// The second video's scene 1 finishes first: only that video moves on.
		await ctl.complete(byPrompt().get('a blue kite')!.id);
		await until(
			() => fx.sim.tasks().length === 3 && server.execution(run.executionId).state === 'waiting',
		);
		expect(fx.sim.tasks()[2]).toMatchObject({ prompt: 'a blue kite lands' });
		await ctl.complete(byPrompt().get('a blue kite lands')!.id);
		await until(
			() =>
				server.execution(run.executionId).continued === 2 &&
				server.execution(run.executionId).state === 'waiting',
		);
		expect(fx.sim.tasks()).toHaveLength(3);
		await ctl.complete(byPrompt().get('a red kite')!.id);
		await until(
			() => fx.sim.tasks().length === 4 && server.execution(run.executionId).state === 'waiting',
		);
		await ctl.complete(byPrompt().get('a red kite lands')!.id);
		const done = await server.waitFor(run.executionId);
		const out = done.output('Veo3');
		expect(out.map((i) => [i.json.status, i.json.taskId])).toEqual([
			['success', byPrompt().get('a red kite lands')!.id],
			['success', byPrompt().get('a blue kite lands')!.id],
		]);
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(creates()).toHaveLength(4);
	});
});

describe('one input item per scene', () => {
	it('grouped rows: one output item per video, paired with all of its rows', async () => {
		const rows = [
			{ video: 'b', scene: 2, prompt: 'b lands' },
			{ video: 'a', scene: 1, prompt: 'a lifts off' },
			{ video: 'b', scene: 1, prompt: 'b lifts off' },
			{ video: 'a', scene: 2, prompt: 'a lands' },
		];
		const run = await park(
			rows,
			scenes({ sceneSource: 'items', scenes: undefined, groupByField: 'video' }),
		);
		const byPrompt = () => new Map(fx.sim.tasks().map((t) => [t.prompt, t]));
		for (const [prompt, count] of [
			['a lifts off', 3],
			['b lifts off', 4],
		] as const) {
			await ctl.complete(byPrompt().get(prompt)!.id);
			await until(
				() =>
					fx.sim.tasks().length === count && server.execution(run.executionId).state === 'waiting',
			);
		}
		await ctl.complete(byPrompt().get('a lands')!.id);
		await until(() => server.execution(run.executionId).state === 'waiting');
		await ctl.complete(byPrompt().get('b lands')!.id);
		const done = await server.waitFor(run.executionId);
		const out = done.output('Veo3');
		expect(out.map((i) => [i.json.group, i.json.status, i.json.taskId])).toEqual([
			['b', 'success', byPrompt().get('b lands')!.id],
			['a', 'success', byPrompt().get('a lands')!.id],
		]);
		expect(out.map((i) => i.pairedItem)).toEqual([
			[{ item: 0 }, { item: 2 }],
			[{ item: 1 }, { item: 3 }],
		]);
		expect(byPrompt().get('b lands')!.parentId).toBe(byPrompt().get('b lifts off')!.id);
		expect(creates()).toHaveLength(4);
	});
});

describe('Max Wait per scene', () => {
	it('no callback in time: the items come out as a timeout naming the scene, its task and the finished part', async () => {
		const run = await park([{ scenes: THREE.slice(0, 2).join('\n'), row: 7 }]);
		const first = await finishScene(run, 2);
		const saved = server.execution(run.executionId).saved;
		const waitTill = new Date(saved.run.data.waitTill as Date).getTime();
		// The second park waits one Max Wait (2 minutes) from scene 2's create.
		expect(waitTill).toBeGreaterThan(Date.now() + 110_000);
		expect(waitTill).toBeLessThanOrEqual(Date.now() + 120_000);
		const timedOut = await server.timeOut(run.executionId);
		const [item] = timedOut.output('Veo3');
		expect(item.json).toMatchObject({
			row: 7,
			status: 'timeout',
			taskId: fx.sim.tasks()[1].id,
			failedScene: 2,
			scenesDone: 1,
			videoUrl: expect.stringContaining(first),
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(creates()).toHaveLength(2);
	});
});
