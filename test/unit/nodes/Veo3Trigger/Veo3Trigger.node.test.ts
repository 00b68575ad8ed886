/**
 * The Veo3 Trigger's webhook() with real HTTP requests: the simulator (or a hand-made request) calls
 * the trigger's URL on a loopback server that parses and answers like n8n, and the test checks what
 * the started execution would receive.
 */
import axios from 'axios';
import type { IDataObject } from 'n8n-workflow';

import { forgetAllCallbacks, storedKey } from '../../../../nodes/Veo3Trigger/dedupe';
import { postCallback, replay, signedHeaders, SimControl, successBody } from '../../../harness/kie';
import { CallbackServer, type TriggerStart } from '../../../harness/webhooks';
import { useSimulator, veo3Output } from '../../../workflows/helpers';

const API_KEY = 'sk-trigger-unit-31f0';
const HMAC = 'hmac-trigger-unit-5b1d';
const ALL_EVENTS = ['success', 'failure', 'fourK'];
const SHAPE_OF_GET_DETAILS = [
	'taskId',
	'status',
	'videoUrl',
	'videoUrls',
	'originUrls',
	'fullVideoUrls',
	'imageUrls',
	'resolution',
	'fallback',
	'errorCode',
	'errorMessage',
	'createdAt',
	'completedAt',
];
// Callbacks carry no times, and the stitched extend video only comes from record-info.
const COMPARED = [
	'taskId',
	'status',
	'videoUrl',
	'videoUrls',
	'originUrls',
	'imageUrls',
	'resolution',
	'fallback',
	'errorCode',
	'errorMessage',
];

const fx = useSimulator(API_KEY, {
	hmacKey: HMAC,
	renderMs: 60_000,
	fourKMs: 60_000,
	callbackRetries: 0,
	rateLimit: { max: 1000 },
});
const ctl = new SimControl(() => fx.sim);
const server = new CallbackServer();
const signedCreds = () => fx.creds({ webhookHmacSecret: HMAC });

beforeAll(async () => await server.start());
afterAll(async () => await server.stop());
beforeEach(() => {
	forgetAllCallbacks();
	server.log.length = 0;
	server.useTrigger({ events: ALL_EVENTS, separateOutputs: false, options: {} }, signedCreds());
});

/** The item the trigger started an execution with (single output). */
function startedItem(start: TriggerStart | undefined): IDataObject {
	expect(start).toBeDefined();
	expect(start!.outputs).toHaveLength(1);
	expect(start!.outputs[0]).toHaveLength(1);
	return start!.outputs[0][0].json;
}

/** The callback body the trigger received last (as sent by the simulator). */
function lastBodyReceived(): IDataObject {
	const last = server.log.filter((l) => l.path === '/webhook/veo3').at(-1);
	return JSON.parse(last!.requestBody.toString('utf8')) as IDataObject;
}

/** kie's record-info `data` of a task, as the simulator answers it now. */
async function kieRecord(taskId: string): Promise<IDataObject> {
	const answer = await axios.get(`${fx.sim.url}/api/v1/veo/record-info`, {
		params: { taskId },
		headers: { Authorization: `Bearer ${API_KEY}` },
	});
	return answer.data.data as IDataObject;
}

/** POSTs to get-4k-video the trigger sent (the test's own setup requests use another client). */
function fourKPosts(): number {
	return fx.sim.requests().filter((r) => r.endpoint === 'POST /api/v1/veo/get-4k-video').length;
}

/** Starts a 4K of `source` with the trigger as callback, the way the Veo3 node's Get 4K does. */
async function request4k(source: string): Promise<string> {
	const answer = await ctl.post(API_KEY, '/api/v1/veo/get-4k-video', {
		taskId: source,
		index: 0,
		callBackUrl: server.triggerUrl,
	});
	return String((answer.data as IDataObject).taskId);
}

async function getDetails(taskId: string): Promise<IDataObject> {
	return veo3Output(await fx.run([{}], { resource: 'video', operation: 'getDetails', taskId }))[0]
		.json;
}

/** A task that calls the trigger back; completes it and waits for the delivery. */
async function generateAndCallBack(prompt: string, body: IDataObject = {}): Promise<string> {
	const taskId = await ctl.createTask(API_KEY, prompt, { callBackUrl: server.triggerUrl, ...body });
	await ctl.complete(taskId);
	await ctl.delivered(taskId);
	return taskId;
}

describe('every documented callback variant gives the Get Details shape, plus raw body and event', () => {
	it.each([
		['success, URL arrays, data.taskId', {}, 'a calm lake at dawn', {}, 'success'],
		[
			'success, URL lists as JSON strings, promptJson as a string',
			{ callbackUrlFormat: 'json-string', callbackPromptJson: 'string' },
			'a red kite',
			{},
			'success',
		],
		[
			'success, URL as a plain string',
			{ callbackUrlFormat: 'string' },
			'a paper boat',
			{},
			'success',
		],
		[
			'success, task id as data.task_id',
			{ callbackTaskIdKey: 'task_id' },
			'a desert road',
			{},
			'success',
		],
		[
			'success in 9:16 (originUrls present)',
			{},
			'a tall tower',
			{ aspect_ratio: '9:16', aspectRatio: '9:16' },
			'success',
		],
		['success with the fallback model', {}, '[fallback] a fox in snow', {}, 'success'],
		['content-policy failure (400)', {}, '[content-policy] something', {}, 'failure'],
		['rejected by Flow (422)', {}, '[flow-rejected] something', {}, 'failure'],
		['generation failed (501)', {}, '[fail] a glass city', {}, 'failure'],
		[
			'internal timeout (500)',
			{ callbackTaskIdKey: 'task_id' },
			'[timeout] a slow river',
			{},
			'failure',
		],
	] as Array<[string, IDataObject, string, IDataObject, string]>)(
		'%s',
		async (_name, config, prompt, body, event) => {
			fx.sim.configure(config);
			const taskId = await generateAndCallBack(prompt, body);
			expect(server.triggerStarts).toHaveLength(1);
			const item = startedItem(server.triggerStarts[0]);
			const details = await getDetails(taskId);
			expect(Object.keys(item)).toEqual(expect.arrayContaining(SHAPE_OF_GET_DETAILS));
			for (const key of COMPARED) expect({ [key]: item[key] }).toEqual({ [key]: details[key] });
			expect(item).toMatchObject({ taskId, event, signatureVerified: true, reference: null });
			// raw is kie's record, read when the callback came; the body is kept apart, named unverified.
			expect(item.raw).toEqual(await kieRecord(taskId));
			expect(item.unverifiedCallbackBody).toEqual(lastBodyReceived());
			if (event === 'success') expect(item.videoUrl).toMatch(new RegExp(`^${fx.sim.url}/files/`));
			else expect(item.errorMessage).toEqual(expect.any(String));
		},
	);

	it('extend success: same shape, the extension task and its video', async () => {
		const source = await fx.finishedTask('a meadow');
		const extend = await ctl.post(API_KEY, '/api/v1/veo/extend', {
			taskId: source,
			prompt: 'the camera rises',
			callBackUrl: server.triggerUrl,
		});
		const extendId = String((extend.data as IDataObject).taskId);
		await ctl.complete(extendId);
		await ctl.delivered(extendId);
		const item = startedItem(server.triggerStarts[0]);
		const details = await getDetails(extendId);
		for (const key of COMPARED) expect({ [key]: item[key] }).toEqual({ [key]: details[key] });
		expect(item).toMatchObject({ taskId: extendId, event: 'success', status: 'success' });
		expect((item.unverifiedCallbackBody as IDataObject).msg).toMatch(/extension/i);
	});

	it.each(['page', 'openapi'] as const)(
		'4K ready, %s shape, the 4K render with a task id of its own: event fourK with the 4K video and its thumbnail, from record-info',
		async (shape) => {
			fx.sim.configure({ fourKCallbackShape: shape, fourKTaskId: 'new' });
			const source = await fx.finishedTask('a harbour at night');
			const fourKId = await request4k(source);
			const posts = fourKPosts();
			await ctl.complete(source); // finishes the pending 4K job, which sends the 4K callback
			await ctl.delivered(fourKId);
			const item = startedItem(server.triggerStarts[0]);
			const raw = lastBodyReceived();
			const data = raw.data as IDataObject;
			const sentUrls = shape === 'page' ? (data.info as IDataObject).resultUrls : data.result_urls;
			const sentImages = shape === 'page' ? (data.info as IDataObject).imageUrls : data.image_urls;
			expect(shape === 'page' ? data.taskId : data.task_id).toBe(fourKId);
			expect(item).toMatchObject({
				taskId: fourKId,
				event: 'fourK',
				status: 'success',
				resolution: '4k',
				videoUrls: sentUrls,
				imageUrls: sentImages,
				signatureVerified: true,
			});
			expect(item.videoUrl).toBe((sentUrls as string[])[0]);
			expect(item.raw).toEqual(await kieRecord(fourKId));
			expect(Object.keys(item)).toEqual(expect.arrayContaining(SHAPE_OF_GET_DETAILS));
			expect(fourKPosts()).toBe(posts);
		},
	);

	it.each(['page', 'openapi'] as const)(
		"4K unavailable, %s shape, the 4K with its own task id: event failure with kie's record's reason",
		async (shape) => {
			fx.sim.configure({ fourKCallbackShape: shape, fourKOutcome: 'fail', fourKTaskId: 'new' });
			const source = await fx.finishedTask('a harbour at noon');
			const fourKId = await request4k(source);
			await ctl.complete(source);
			await ctl.delivered(fourKId);
			expect(startedItem(server.triggerStarts[0])).toMatchObject({
				taskId: fourKId,
				event: 'failure',
				status: 'failed',
				errorCode: 500,
				errorMessage: 'The 4K version of this video is unavailable. Please try a different video.',
				videoUrls: [],
				videoUrl: null,
			});
		},
	);

	it.each(['page', 'openapi'] as const)(
		'4K ready, %s shape, named by its source task (kie offers no free read of it): acknowledged with confirmed false, nothing started, nothing sent to get-4k-video',
		async (shape) => {
			fx.sim.configure({ fourKCallbackShape: shape });
			const source = await fx.finishedTask('a harbour at dusk');
			await request4k(source);
			const posts = fourKPosts();
			const credits = fx.sim.counters().credits;
			await ctl.complete(source);
			await ctl.delivered(source);
			expect(ctl.deliveries(source).map((d) => d.status)).toEqual([200]);
			expect(JSON.parse(server.log.at(-1)!.body)).toEqual({
				received: true,
				confirmed: false,
				reason: expect.stringMatching(/no 4K result.*never sends a 4K request.*Get 4K/),
			});
			expect(server.triggerStarts).toHaveLength(0);
			expect(fourKPosts()).toBe(posts);
			expect(fx.sim.counters().credits).toBe(credits);
		},
	);

	it("URL list as an unquoted bracket string and an upper-case resolution (examples, docs/kie-api.md#callback-body): accepted, the item is kie's record", async () => {
		const taskId = await fx.finishedTask('a bracket test');
		const body = successBody(taskId, '[http://example.com/video1.mp4]', {
			promptJson: '{"prompt":"cat"}',
		});
		((body.data as IDataObject).info as IDataObject).resolution = '1080P';
		const answer = await postCallback(server.triggerUrl, body, signedHeaders(HMAC, taskId));
		expect(answer).toMatchObject({ status: 200, body: { received: true } });
		const details = await getDetails(taskId);
		const item = startedItem(server.triggerStarts[0]);
		for (const key of COMPARED) expect({ [key]: item[key] }).toEqual({ [key]: details[key] });
		expect(item.raw).toEqual(await kieRecord(taskId));
		expect(item.unverifiedCallbackBody).toEqual(body);
	});

	it('the webhook guide sample shape: top-level taskId and data.task_id, signed over data.task_id', async () => {
		const taskId = await fx.finishedTask('a guide sample');
		const body = {
			code: 200,
			msg: 'success',
			taskId,
			data: {
				task_id: taskId,
				callbackType: 'task_completed',
				info: { resultUrls: ['https://files.example/g.mp4'] },
				fallbackFlag: false,
			},
		};
		const answer = await postCallback(server.triggerUrl, body, signedHeaders(HMAC, taskId));
		expect(answer.status).toBe(200);
		expect(startedItem(server.triggerStarts[0])).toMatchObject({
			taskId,
			status: 'success',
			videoUrls: (await getDetails(taskId)).videoUrls,
		});
	});
});

describe('events and outputs', () => {
	it('only the chosen events start the workflow; others are acknowledged with 200 and start nothing', async () => {
		server.useTrigger({ events: ['success'], options: {} }, signedCreds());
		const failed = await generateAndCallBack('[fail] a broken vase');
		expect(ctl.deliveries(failed)[0].status).toBe(200);
		expect(server.log.at(-1)!.body).toContain('"ignored":"failure"');
		expect(server.triggerStarts).toHaveLength(0);
		const ok = await generateAndCallBack('a whole vase');
		expect(server.triggerStarts).toHaveLength(1);
		expect(startedItem(server.triggerStarts[0]).taskId).toBe(ok);
	});

	it('"Upscaled Video Ready" alone ignores generation callbacks and starts on a 4K callback', async () => {
		fx.sim.configure({ fourKTaskId: 'new' });
		server.useTrigger({ events: ['fourK'], options: {} }, signedCreds());
		const source = await generateAndCallBack('a lighthouse');
		expect(server.triggerStarts).toHaveLength(0);
		const fourKId = await request4k(source);
		await ctl.complete(source);
		await ctl.delivered(fourKId);
		expect(server.triggerStarts).toHaveLength(1);
		expect(startedItem(server.triggerStarts[0])).toMatchObject({ taskId: fourKId, event: 'fourK' });
	});

	it("a 4K callback in the generation-like shape of kie's current callbacks page: kie's record makes it a fourK event", async () => {
		fx.sim.configure({ fourKTaskId: 'new' });
		server.useTrigger({ events: ['fourK'], options: {} }, signedCreds());
		const source = await fx.finishedTask('a lighthouse at dawn');
		const fourKId = await request4k(source);
		await ctl.complete(source);
		await ctl.delivered(fourKId);
		server.useTrigger({ events: ['fourK'], options: {} }, signedCreds());
		const current = {
			code: 200,
			msg: 'Video generated successfully.',
			data: {
				taskId: fourKId,
				fallbackFlag: false,
				info: { resultUrls: ['https://files.example/4k.mp4'] },
			},
		};
		const answer = await postCallback(server.triggerUrl, current, signedHeaders(HMAC, fourKId));
		expect(answer).toEqual({ status: 200, body: { received: true } });
		expect(startedItem(server.triggerStarts[0])).toMatchObject({
			taskId: fourKId,
			event: 'fourK',
			resolution: '4k',
		});
	});

	it('separate outputs: successes (4K included) on the first output, failures on the second', async () => {
		fx.sim.configure({ fourKTaskId: 'new' });
		server.useTrigger({ events: ALL_EVENTS, separateOutputs: true, options: {} }, signedCreds());
		const ok = await generateAndCallBack('a green field');
		const bad = await generateAndCallBack('[content-policy] a red field');
		const fourKId = await request4k(ok);
		await ctl.complete(ok);
		await ctl.delivered(fourKId);
		const [success, failure, fourK] = server.triggerStarts;
		expect(success.outputs.map((o) => o.map((i) => i.json.taskId))).toEqual([[ok], []]);
		expect(failure.outputs.map((o) => o.map((i) => i.json.taskId))).toEqual([[], [bad]]);
		expect(failure.outputs[1][0].json).toMatchObject({
			status: 'failed',
			errorCode: 400,
			event: 'failure',
		});
		expect(fourK.outputs.map((o) => o.map((i) => i.json.event))).toEqual([['fourK'], []]);
	});
});

describe('signature and duplicates', () => {
	it('a simulator callback reaches the trigger and starts exactly one signed, verified execution', async () => {
		const taskId = await generateAndCallBack('a kite over the sea');
		const [delivery] = ctl.deliveries(taskId);
		expect(delivery.status).toBe(200);
		expect(fx.sim.counters().callbacksSent).toBe(1);
		expect(server.triggerStarts).toHaveLength(1);
		const received = server.log.find((l) => l.path === '/webhook/veo3')!;
		expect(received.headers['x-webhook-signature']).toEqual(expect.any(String));
		expect(startedItem(server.triggerStarts[0])).toMatchObject({
			taskId,
			status: 'success',
			signatureVerified: true,
		});
	});

	it('duplicated deliveries start one execution: simultaneous copies, re-sends, and an exact replay', async () => {
		fx.sim.configure({ faults: { duplicateCallbackRate: 1 } });
		const taskId = await generateAndCallBack('a heron');
		await ctl.delivered(taskId, 2);
		await ctl.resend(taskId, { duplicate: 2 });
		await ctl.delivered(taskId, 5);
		expect(ctl.deliveries(taskId).map((d) => d.status)).toEqual([200, 200, 200, 200, 200]);
		const first = server.log.find((l) => l.path === '/webhook/veo3')!;
		expect((await replay(server, first)).body).toMatchObject({ duplicate: true });
		expect(server.triggerStarts).toHaveLength(1);
		expect(server.log.filter((l) => l.body.includes('"duplicate":true'))).toHaveLength(5);
	});

	it('after a restart (process memory gone) the saved static data still recognises a redelivery', async () => {
		const taskId = await generateAndCallBack('a swan');
		expect(server.triggerStarts).toHaveLength(1);
		const saved = (server.triggerStaticData['node:Veo3 Trigger'] as IDataObject)
			.seenCallbacks as Array<[string, number]>;
		expect(saved.map(([key]) => key)).toEqual([storedKey(`${taskId}|generation|success`)]);
		forgetAllCallbacks();
		await ctl.resend(taskId);
		await ctl.delivered(taskId, 2);
		expect(server.triggerStarts).toHaveLength(1);
	});

	it('with "Ignore Duplicate Deliveries" off every delivery starts an execution', async () => {
		server.useTrigger({ events: ALL_EVENTS, options: { ignoreDuplicates: false } }, signedCreds());
		const taskId = await generateAndCallBack('a crane');
		// kie's own re-delivery is signed anew (a later time): not a replay.
		await ctl.resend(taskId, { timestamp: Math.floor(Date.now() / 1000) + 1 });
		await ctl.delivered(taskId, 2);
		expect(server.triggerStarts.map((s) => startedItem(s).taskId)).toEqual([taskId, taskId]);
	});

	it('without an HMAC key in the credential, callbacks start executions marked as not verified', async () => {
		server.useTrigger({ events: ALL_EVENTS, options: {} }, fx.creds());
		const taskId = await generateAndCallBack('an owl');
		expect(startedItem(server.triggerStarts[0])).toMatchObject({
			taskId,
			signatureVerified: false,
		});
	});

	it("the signature tolerance is the user's: a 10 s old signature is refused with a 5 s tolerance", async () => {
		server.useTrigger(
			{ events: ALL_EVENTS, options: { signatureToleranceSeconds: 5 } },
			signedCreds(),
		);
		const taskId = await fx.finishedTask('a tolerance test');
		const old = await postCallback(
			server.triggerUrl,
			successBody(taskId),
			signedHeaders(HMAC, taskId, Math.floor(Date.now() / 1000) - 10),
		);
		expect(old).toMatchObject({
			status: 401,
			body: { error: 'X-Webhook-Timestamp is outside the allowed tolerance' },
		});
		const fresh = await postCallback(
			server.triggerUrl,
			successBody(taskId),
			signedHeaders(HMAC, taskId),
		);
		expect(fresh.status).toBe(200);
		expect(server.triggerStarts).toHaveLength(1);
	});
});
