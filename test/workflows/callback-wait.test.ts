/**
 * "Wait for Callback" end to end in process: the workflow runs until the Veo3 node parks it, the
 * simulator calls the execution's resume URL on a loopback server that behaves like n8n's waiting
 * webhooks, and the execution continues with the node's webhook() output (or times out).
 */
import type { IConnections, IDataObject, INode } from 'n8n-workflow';

import {
	credentialReads,
	ITEMS_TYPE,
	node,
	resumeUrlOf,
	runWorkflow,
	VEO3_TYPE,
	type HarnessRun,
} from '../harness/engine';
import { nowSeconds, postCallback, signedHeaders, SimControl, successBody } from '../harness/kie';
import { CallbackServer } from '../harness/webhooks';
import { ENDPOINT, runError, useSimulator } from './helpers';

const API_KEY = 'sk-callback-wait-9c2e';
const HMAC = 'hmac-callback-wait-71d4';
// Tasks render "forever" unless a test finishes them, so the order of callbacks is the test's.
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

const WAIT = { maxWaitMinutes: 2 };
/** Node-level hidden tuning (docs/tuning.md): one quick retry per read. */
const TUNING = { readRetries: 1, retryDelayMs: 10 };

interface Flow {
	items: IDataObject[];
	veo3: IDataObject;
	veo3Extra?: Partial<INode>;
	/** Adds Items → Veo3 → "Details" (Get Details of each output item's taskId). */
	details?: boolean;
	credentials?: IDataObject;
}

/** Runs Items → Veo3 [→ Details] until it parks, and saves the waiting execution on the server. */
async function park(flow: Flow): Promise<HarnessRun> {
	const nodes = [
		node('Items', ITEMS_TYPE, { items: JSON.stringify(flow.items) }),
		node('Veo3', VEO3_TYPE, flow.veo3, flow.veo3Extra),
	];
	const connections: IConnections = {
		Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] },
	};
	if (flow.details) {
		nodes.push(
			node('Details', VEO3_TYPE, {
				resource: 'video',
				operation: 'getDetails',
				taskId: '={{ $json.taskId }}',
			}),
		);
		connections.Veo3 = { main: [[{ node: 'Details', type: 'main', index: 0 }]] };
	}
	const run = await runWorkflow({
		nodes,
		connections,
		credentials: fx.creds({ webhookHmacSecret: HMAC, ...flow.credentials }),
		webhookWaitingBaseUrl: server.waitingBaseUrl,
	});
	expect(run.run.status).toBe('waiting');
	server.park(run);
	return run;
}

const generate = (extra: IDataObject = {}): IDataObject => ({
	resource: 'video',
	operation: 'generate',
	prompt: '={{ $json.prompt }}',
	waitMode: 'callback',
	...TUNING,
	options: { ...WAIT, ...extra },
});

const get4k = (taskId: string): IDataObject => ({
	resource: 'video',
	operation: 'get4k',
	taskId,
	videoIndex: 0,
	waitMode: 'callback',
	...TUNING,
	options: WAIT,
});

/** What record-info holds now for a finished task (the simulator's view). */
function recorded(taskId: string): { resultUrls: string[]; fullResultUrls?: string[] } {
	return fx.sim.task(taskId)!.record.response as {
		resultUrls: string[];
		fullResultUrls?: string[];
	};
}

/** The simulator's tasks in creation order (the node submits a batch in input order, 5 at a time). */
function taskIdsByPrompt(): Map<string, string> {
	return new Map(fx.sim.tasks().map((t) => [t.prompt, t.id]));
}

describe('wait → resume', () => {
	it('1 item: kie gets exactly the resume URL, the execution resumes once with the result', async () => {
		const run = await park({ items: [{ prompt: 'a cat on a piano' }], veo3: generate() });
		const [task] = fx.sim.tasks();
		expect(task.callBackUrl).toBe(resumeUrlOf(run));
		expect(task.callBackUrl).toMatch(/\?signature=/);
		await ctl.complete(task.id);
		const resumed = await server.waitFor(run.executionId);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'success', continued: 1 });
		const [item] = resumed.output('Veo3');
		expect(item.json).toMatchObject({
			taskId: task.id,
			status: 'success',
			prompt: 'a cat on a piano',
			videoUrl: recorded(task.id).resultUrls[0],
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		await ctl.delivered(task.id);
		expect(ctl.deliveries(task.id).map((d) => d.status)).toEqual([200]);
	});

	it('each callback reads the credential once, its status reads included (a read costs ~100 ms in an n8n 2.x webhook)', async () => {
		const run = await park({
			items: [{ prompt: 'a first kite' }, { prompt: 'a second kite' }],
			veo3: generate(),
		});
		const [first, second] = fx.sim.tasks();
		credentialReads.count = 0;
		await ctl.complete(first.id);
		await ctl.delivered(first.id);
		// This callback read its own task and the unfinished other one: two status reads.
		expect(ctl.recordReads().get(second.id)).toBeGreaterThan(0);
		expect(credentialReads.count).toBe(1);
		await ctl.complete(second.id);
		await server.waitFor(run.executionId);
		expect(credentialReads.count).toBe(2);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'success', continued: 1 });
	});

	it('a 5-item batch resumes once with 5 correct items in input order, callbacks out of order and duplicated', async () => {
		fx.sim.configure({ faults: { duplicateCallbackRate: 1 } });
		const prompts = ['one', 'two', 'three', 'four', 'five'].map((p) => `a ${p} dancing`);
		const run = await park({
			items: prompts.map((prompt, row) => ({ prompt, row })),
			veo3: generate(),
		});
		const ids = taskIdsByPrompt();
		expect(ids.size).toBe(5);
		const order = [3, 0, 4, 1, 2];
		for (const [step, index] of order.entries()) {
			const taskId = ids.get(prompts[index]) as string;
			await ctl.complete(taskId);
			await ctl.delivered(taskId, 2);
			if (step < order.length - 1)
				expect(server.execution(run.executionId)).toMatchObject({ state: 'waiting', continued: 0 });
		}
		const resumed = await server.waitFor(run.executionId);
		expect(ctl.deliveries(ids.get(prompts[2]) as string)).toHaveLength(2);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'success', continued: 1 });
		const out = resumed.output('Veo3');
		expect(out.map((i) => i.json.prompt)).toEqual(prompts);
		expect(out.map((i) => i.json.taskId)).toEqual(prompts.map((p) => ids.get(p)));
		expect(out.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(
			out.every(
				(i) =>
					i.json.status === 'success' && String(i.json.videoUrl).includes(String(i.json.taskId)),
			),
		).toBe(true);
		// Every copy of every callback was answered 200 (kie does not retry); the late copies got n8n's
		// 409 only if they came after the resume, never a second resume.
		const answers = server.log
			.filter((l) => l.path === `/webhook-waiting/${run.executionId}`)
			.map((l) => l.status);
		expect(answers).toHaveLength(10);
		expect(answers.every((s) => s === 200 || s === 409)).toBe(true);
	});

	it('any callback re-checks the whole batch: every callback lost, one late re-send resumes all', async () => {
		fx.sim.configure({ faults: { dropCallbackRate: 1 } });
		const prompts = ['a red door', 'a blue door', 'a green door'];
		const run = await park({ items: prompts.map((prompt) => ({ prompt })), veo3: generate() });
		const ids = [...taskIdsByPrompt().values()];
		for (const id of ids) await ctl.complete(id);
		expect(fx.sim.counters().callbacksDropped).toBe(3);
		expect(ctl.recordReads().size).toBe(0);
		expect(server.execution(run.executionId).state).toBe('waiting');
		await ctl.resend(ids[1]);
		const resumed = await server.waitFor(run.executionId);
		expect(Object.fromEntries(ctl.recordReads())).toEqual(
			Object.fromEntries(ids.map((id) => [id, 1])),
		);
		expect(resumed.output('Veo3').map((i) => [i.json.prompt, i.json.status])).toEqual(
			prompts.map((p) => [p, 'success']),
		);
	});

	it('an early callback reads its own task and one unfinished other, and leaves the execution waiting', async () => {
		const prompts = Array.from({ length: 12 }, (_, i) => `tile ${i}`);
		const run = await park({ items: prompts.map((prompt) => ({ prompt })), veo3: generate() });
		const ids = taskIdsByPrompt();
		await ctl.complete(ids.get('tile 0') as string);
		await ctl.delivered(ids.get('tile 0') as string);
		expect(server.execution(run.executionId).state).toBe('waiting');
		// Its own task, then the least recently read other one: unfinished, so the check ends there.
		const reads = ctl.recordReads();
		expect(reads.get(ids.get('tile 0') as string)).toBe(1);
		expect([...reads.values()].reduce((a, b) => a + b, 0)).toBe(2);
		for (const prompt of prompts.slice(1)) await ctl.complete(ids.get(prompt) as string);
		await server.waitFor(run.executionId);
		expect(server.execution(run.executionId).continued).toBe(1);
	});

	it('a failed task with Continue On Fail: an error item at its index, the others fine', async () => {
		const prompts = ['a tree', '[fail] a broken tree', 'a bush'];
		const run = await park({
			items: prompts.map((prompt) => ({ prompt })),
			veo3: generate(),
			veo3Extra: { onError: 'continueRegularOutput' },
		});
		for (const id of taskIdsByPrompt().values()) await ctl.complete(id);
		const resumed = await server.waitFor(run.executionId);
		expect(server.execution(run.executionId).state).toBe('success');
		const out = resumed.output('Veo3');
		expect(out.map((i) => i.json.status)).toEqual(['success', 'failed', 'success']);
		expect(out[1].json).toMatchObject({
			taskId: taskIdsByPrompt().get(prompts[1]),
			errorCode: 501,
			errorMessage: 'Generation failed',
			prompt: prompts[1],
		});
		expect(String(out[1].json.error)).toContain('Generation failed');
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it("a failed task without Continue On Fail: the execution ends failed with kie's reason, the next node does not run", async () => {
		const prompts = ['a rose', '[content-policy] a thorn'];
		const run = await park({
			items: prompts.map((prompt) => ({ prompt })),
			veo3: generate(),
			details: true,
		});
		for (const id of taskIdsByPrompt().values()) await ctl.complete(id);
		const resumed = await server.waitFor(run.executionId);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'error', continued: 1 });
		const error = resumed.run.data.resultData.error as unknown as {
			message: string;
			node?: { name: string };
		};
		expect(error.message).toContain(
			'Your prompt was flagged by Website as violating content policies.',
		);
		expect(error.message).toContain(taskIdsByPrompt().get(prompts[1]));
		expect(error.node?.name).toBe('Veo3');
		const runData = resumed.run.data.resultData.runData;
		expect(runData.Details).toBeUndefined();
		// The earlier nodes' data is kept (n8n's own handling of a throwing webhook() would wipe it).
		expect(runData.Items?.[0]?.data?.main?.[0]).toHaveLength(2);
	});

	it('lost callbacks: the execution waits; at its time limit the items come out as explicit timeouts', async () => {
		fx.sim.configure({ faults: { dropCallbackRate: 1 } });
		const before = Date.now();
		const run = await park({
			items: [
				{ prompt: 'a comet', row: 1 },
				{ prompt: 'a moon', row: 2 },
			],
			veo3: generate({ maxWaitMinutes: 3 }),
			details: true,
		});
		const waitTill = new Date(run.run.data.waitTill as Date).getTime();
		expect(waitTill).toBeGreaterThanOrEqual(before + 3 * 60000);
		expect(waitTill).toBeLessThanOrEqual(Date.now() + 3 * 60000);
		const ids = [...taskIdsByPrompt().values()];
		for (const id of ids) await ctl.complete(id);
		expect(fx.sim.counters().callbacksDropped).toBe(2);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'waiting', continued: 0 });

		const timedOut = await server.timeOut(run.executionId);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'success', continued: 1 });
		const out = timedOut.output('Veo3');
		expect(out.map((i) => i.json)).toEqual([
			{
				prompt: 'a comet',
				row: 1,
				taskId: ids[0],
				status: 'timeout',
				errorMessage: expect.stringContaining('No callback from kie.ai within 3 minutes'),
			},
			{
				prompt: 'a moon',
				row: 2,
				taskId: ids[1],
				status: 'timeout',
				errorMessage: expect.stringContaining('No callback from kie.ai within 3 minutes'),
			},
		]);
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		// The marks are the Veo3 node's: the Items node's output (what any other branch gets) is untouched.
		expect(timedOut.output('Items').map((i) => i.json)).toEqual([
			{ prompt: 'a comet', row: 1 },
			{ prompt: 'a moon', row: 2 },
		]);
		// Downstream, a timed-out item is still usable: its task can be checked.
		expect(timedOut.output('Details').map((i) => [i.json.taskId, i.json.status])).toEqual(
			ids.map((id) => [id, 'success']),
		);
		// A callback after the timeout finds the execution finished (n8n's 409), and nothing resumes.
		await ctl.resend(ids[0]);
		await ctl.delivered(ids[0]);
		expect(ctl.deliveries(ids[0])[0].status).toBe(409);
		expect(server.execution(run.executionId).continued).toBe(1);
	});

	it('kie failing the re-check: the callback gets 503 (kie retries it), the execution keeps waiting', async () => {
		const run = await park({ items: [{ prompt: 'a stormy sea' }], veo3: generate() });
		const [task] = fx.sim.tasks();
		fx.sim.configure({ faults: { http500: { rate: 1, scope: 'reads' } } });
		await ctl.complete(task.id);
		await ctl.delivered(task.id);
		expect(ctl.deliveries(task.id)[0].status).toBe(503);
		expect(ctl.recordReads().get(task.id)).toBe(2); // the first read and the one retry of WAIT
		expect(server.execution(run.executionId)).toMatchObject({ state: 'waiting', continued: 0 });
		fx.sim.configure({ faults: { http500: { rate: 0 } } });
		await ctl.resend(task.id);
		expect((await server.waitFor(run.executionId)).output('Veo3')[0].json).toMatchObject({
			taskId: task.id,
			status: 'success',
		});
	});

	it('Extend in callback mode resumes with the stitched video', async () => {
		const source = await fx.finishedTask('a beach');
		const run = await park({
			items: [{ prompt: 'the tide comes in' }],
			veo3: {
				resource: 'video',
				operation: 'extend',
				taskId: source,
				prompt: '={{ $json.prompt }}',
				waitMode: 'callback',
				...TUNING,
				options: WAIT,
			},
		});
		const extend = fx.sim.tasks().find((t) => t.kind === 'extend')!;
		expect(extend.callBackUrl).toBe(resumeUrlOf(run));
		await ctl.complete(extend.id);
		const [item] = (await server.waitFor(run.executionId)).output('Veo3');
		const { resultUrls, fullResultUrls } = recorded(extend.id);
		expect(item.json).toMatchObject({
			taskId: extend.id,
			status: 'success',
			sourceTaskId: source,
			videoUrls: resultUrls,
			videoUrl: fullResultUrls![0],
		});
	});

	it.each(['page', 'openapi'] as const)(
		'Get 4K in callback mode (%s callback shape)',
		async (shape) => {
			fx.sim.configure({ fourKCallbackShape: shape });
			const source = await fx.finishedTask('a mountain');
			const run = await park({
				items: [{}],
				veo3: {
					resource: 'video',
					operation: 'get4k',
					taskId: source,
					videoIndex: 0,
					waitMode: 'callback',
					...TUNING,
					options: WAIT,
				},
			});
			expect(fx.sim.task(source)!.fourK[0].callBackUrl).toBe(resumeUrlOf(run));
			await ctl.complete(source);
			const [item] = (await server.waitFor(run.executionId)).output('Veo3');
			const callback = JSON.parse(
				server.log
					.find((l) => l.path === `/webhook-waiting/${run.executionId}`)!
					.requestBody.toString('utf8'),
			) as { data: IDataObject };
			expect(shape === 'openapi' ? callback.data.task_id : callback.data.taskId).toBe(source);
			expect(item.json).toMatchObject({
				taskId: source,
				status: 'success',
				resolution: '4k',
				videoIndex: 0,
			});
			expect(String(item.json.videoUrl)).toMatch(/4k/i);
			expect(server.execution(run.executionId).continued).toBe(1);
		},
	);

	it('Get 4K in callback mode, the 4K render with a task id of its own: its callback resumes, read free with record-info', async () => {
		fx.sim.configure({ fourKTaskId: 'new' });
		const source = await fx.finishedTask('a glacier');
		const spentBefore = fx.sim.counters().creditsSpent;
		const run = await park({ items: [{}], veo3: get4k(source) });
		const fourKId = String(fx.sim.task(source)!.fourK[0].id);
		expect(fourKId).not.toBe(source);
		await ctl.complete(source);
		const [item] = (await server.waitFor(run.executionId)).output('Veo3');
		expect(item.json).toMatchObject({
			taskId: source,
			fourKTaskId: fourKId,
			status: 'success',
			resolution: '4k',
		});
		expect(String(item.json.videoUrl)).toMatch(/4k/i);
		// One 4K request (the paid create); the resume read kie's record of the 4K task.
		expect(fx.apiRequests(ENDPOINT.get4k)).toHaveLength(1);
		expect(ctl.recordReads().get(fourKId)).toBeGreaterThanOrEqual(1);
		expect(fx.sim.counters().creditsSpent - spentBefore).toBe(120);
	});

	it('Get 4K parked: forged and early "4K ready" callbacks cost nothing and resume nothing', async () => {
		const source = await fx.finishedTask('a canyon');
		const run = await park({ items: [{}], veo3: get4k(source) });
		const spent = fx.sim.counters().creditsSpent;
		const fourKJobs = fx.sim.counters().fourKJobs;
		const resumeUrl = resumeUrlOf(run);
		const forged = {
			code: 200,
			msg: '4K Video generated successfully.',
			data: { taskId: source, info: { resultUrls: ['https://attacker.example/4k.mp4'] } },
		};
		for (let i = 0; i < 3; i++)
			expect(
				(await postCallback(resumeUrl, forged, signedHeaders(HMAC, source, nowSeconds() - i)))
					.status,
			).toBe(200);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'waiting', continued: 0 });
		expect(fx.sim.counters().creditsSpent).toBe(spent);
		expect(fx.sim.counters().fourKJobs).toBe(fourKJobs);
	});

	it('Get 4K parked without a ledger entry for the 4K: a callback never repeats the 4K request (it could be the first, paid one)', async () => {
		const source = await fx.finishedTask('a fjord');
		const run = await park({ items: [{}], veo3: get4k(source) });
		// As if the saved context had lost the ledger: the batch alone does not prove the request.
		const context = server.execution(run.executionId).saved.run.data.executionData!.contextData[
			'node:Veo3'
		] as IDataObject;
		delete context.veo3Ledger;
		const posts = fx.apiRequests(ENDPOINT.get4k).length;
		await postCallback(
			resumeUrlOf(run),
			{ code: 200, msg: '4K Video generated successfully.', data: { taskId: source } },
			signedHeaders(HMAC, source),
		);
		expect(fx.apiRequests(ENDPOINT.get4k)).toHaveLength(posts);
		const resumed = await server.waitFor(run.executionId);
		expect(runError(resumed).message).toMatch(/no record of requesting its 4K/);
	});

	it('Get 4K of a video already upscaled: kie answers at once, so the node does not park', async () => {
		const source = await fx.finishedTask('a valley');
		await ctl.post(API_KEY, '/api/v1/veo/get-4k-video', { taskId: source, index: 0 });
		await ctl.complete(source);
		const run = await runWorkflow({
			nodes: [
				node('Items', ITEMS_TYPE, { items: '[{}]' }),
				node('Veo3', VEO3_TYPE, {
					resource: 'video',
					operation: 'get4k',
					taskId: source,
					waitMode: 'callback',
					...TUNING,
					options: WAIT,
				}),
			],
			connections: { Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] } },
			credentials: fx.creds({ webhookHmacSecret: HMAC }),
			webhookWaitingBaseUrl: server.waitingBaseUrl,
		});
		expect(run.run.status).toBe('success');
		expect(run.output('Veo3')[0].json).toMatchObject({
			taskId: source,
			status: 'success',
			resolution: '4k',
		});
	});
});

describe('where the results come from', () => {
	it('with an HMAC key in the credential an unsigned callback is refused and resumes nothing', async () => {
		fx.sim.configure({ faults: { dropCallbackRate: 1 } });
		const run = await park({ items: [{ prompt: 'a signed letter' }], veo3: generate() });
		const [task] = fx.sim.tasks();
		await ctl.complete(task.id);
		await ctl.resend(task.id, { tamper: 'unsigned' });
		await ctl.delivered(task.id);
		await ctl.resend(task.id, { tamper: 'signature' });
		await ctl.delivered(task.id, 2);
		expect(ctl.deliveries(task.id).map((d) => d.status)).toEqual([401, 401]);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'waiting', continued: 0 });
		expect(ctl.recordReads().size).toBe(0);
		await ctl.resend(task.id);
		await server.waitFor(run.executionId);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'success', continued: 1 });
	});

	it('without a key, an unsigned callback only triggers a kie read: forged URLs never reach the output', async () => {
		fx.sim.configure({ hmacKey: null, faults: { dropCallbackRate: 1 } });
		const run = await park({
			items: [{ prompt: 'a genuine video' }],
			veo3: generate(),
			credentials: { webhookHmacSecret: '' },
		});
		const [task] = fx.sim.tasks();
		const forged = successBody(task.id, ['https://attacker.example/evil.mp4']);
		// Still rendering: the forged "success" is checked against kie and changes nothing.
		expect((await postCallback(resumeUrlOf(run), forged)).status).toBe(200);
		expect(server.execution(run.executionId)).toMatchObject({ state: 'waiting', continued: 0 });
		expect(ctl.recordReads().get(task.id)).toBe(1);
		await ctl.complete(task.id);
		expect((await postCallback(resumeUrlOf(run), forged)).status).toBe(200);
		const resumed = await server.waitFor(run.executionId);
		const [item] = resumed.output('Veo3');
		expect(item.json).toMatchObject({
			taskId: task.id,
			status: 'success',
			videoUrls: recorded(task.id).resultUrls,
		});
		expect(JSON.stringify(resumed.run.data.resultData.runData)).not.toContain('attacker.example');
	});
});
