/**
 * The Veo3 Trigger trusts nothing a callback says: forged, rewritten and replayed bodies, made-up
 * task IDs, strange content types, deep or huge bodies. Only kie's own record starts a run; the
 * answer to kie is a small JSON body; the duplicate store stays small whatever callers send.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	alreadySeen,
	forgetAllCallbacks,
	MAX_STORE_BYTES,
	seenBefore,
} from '../../../../nodes/Veo3Trigger/dedupe';
import {
	nowSeconds,
	postCallback,
	replay,
	signedHeaders,
	SimControl,
	successBody,
} from '../../../harness/kie';
import { credentialReads } from '../../../harness/engine';
import { CallbackServer } from '../../../harness/webhooks';
import { useSimulator } from '../../../workflows/helpers';

const API_KEY = 'sk-trigger-trust-7a2e';
const HMAC = 'hmac-trigger-trust-c41d';
const ALL_EVENTS = ['success', 'failure', 'fourK'];
const ATTACKER_URL = 'https://attacker.example/not-your-video.mp4';

const fx = useSimulator(API_KEY, {
	hmacKey: HMAC,
	renderMs: 60_000,
	fourKMs: 60_000,
	callbackRetries: 0,
	rateLimit: { max: 1000 },
});
const ctl = new SimControl(() => fx.sim);
const server = new CallbackServer();
const unsigned = () => fx.creds();
const signed = () => fx.creds({ webhookHmacSecret: HMAC });

beforeAll(async () => await server.start());
afterAll(async () => await server.stop());
beforeEach(() => {
	forgetAllCallbacks();
	server.log.length = 0;
	server.useTrigger({ events: ALL_EVENTS, options: {} }, unsigned());
});

describe('unsigned callbacks (no HMAC key): kie decides what happened', () => {
	it('a made-up "success" for a task still rendering starts nothing (503, so kie would retry)', async () => {
		const taskId = await ctl.createTask(API_KEY, 'still rendering');
		const answer = await postCallback(server.triggerUrl, successBody(taskId, [ATTACKER_URL]));
		expect(answer).toMatchObject({
			status: 503,
			body: { error: expect.stringMatching(/not report this task as finished/) },
		});
		expect(server.triggerStarts).toHaveLength(0);
	});

	it('a made-up "success" with the attacker\'s video for a task that failed at kie: the run gets kie\'s failure', async () => {
		const taskId = await ctl.createTask(API_KEY, '[fail] a failing render');
		await ctl.complete(taskId);
		const answer = await postCallback(server.triggerUrl, successBody(taskId, [ATTACKER_URL]));
		expect(answer).toMatchObject({ status: 200, body: { received: true } });
		const item = server.triggerStarts[0].outputs[0][0].json;
		expect(item).toMatchObject({
			taskId,
			status: 'failed',
			event: 'failure',
			videoUrl: null,
			videoUrls: [],
			confirmedByKie: true,
			signatureVerified: false,
		});
		// The body is kept only as raw data, never as the result.
		const { raw, ...rest } = item;
		expect(JSON.stringify(rest)).not.toContain(ATTACKER_URL);
		expect(JSON.stringify(raw)).toContain(ATTACKER_URL);
	});

	it('a made-up task ID: 400 with the reason, nothing started', async () => {
		const answer = await postCallback(
			server.triggerUrl,
			successBody('f00dfeedf00dfeedf00dfeedf00dfeed', [ATTACKER_URL]),
		);
		expect(answer).toMatchObject({
			status: 400,
			body: { error: 'No task with this ID at kie.ai, or it is older than 14 days' },
		});
		expect(server.triggerStarts).toHaveLength(0);
	});

	it('a genuine unsigned callback still starts its run, with the URLs from kie', async () => {
		const taskId = await ctl.createTask(API_KEY, 'an honest render', {
			callBackUrl: server.triggerUrl,
		});
		await ctl.complete(taskId);
		await ctl.delivered(taskId);
		expect(ctl.deliveries(taskId).map((d) => d.status)).toEqual([200]);
		expect(server.triggerStarts[0].outputs[0][0].json).toMatchObject({
			taskId,
			status: 'success',
			event: 'success',
			signatureVerified: false,
		});
		expect(String(server.triggerStarts[0].outputs[0][0].json.videoUrl)).toMatch(
			new RegExp(`^${fx.sim.url}/files/`),
		);
	});

	it('a confirmed callback reads the credential once, its status read included (a read costs ~100 ms in an n8n 2.x webhook)', async () => {
		server.useTrigger({ events: ALL_EVENTS, options: {} }, signed());
		const taskId = await ctl.createTask(API_KEY, 'a counted render', {
			callBackUrl: server.triggerUrl,
		});
		credentialReads.count = 0;
		await ctl.complete(taskId);
		await ctl.delivered(taskId);
		expect(server.triggerStarts).toHaveLength(1);
		expect(ctl.recordReads().get(taskId)).toBe(1);
		expect(credentialReads.count).toBe(1);
	});

	it('answers kie with a small JSON body, for a started run and for an ignored one', async () => {
		const taskId = await ctl.createTask(API_KEY, 'an answer', { callBackUrl: server.triggerUrl });
		await ctl.complete(taskId);
		await ctl.delivered(taskId);
		const answered = server.log.filter((l) => l.path === '/webhook/veo3');
		expect(answered.map((l) => [l.status, l.body])).toEqual([[200, '{"received":true}']]);
		expect(String(answered[0].headers['content-type'] ?? '')).toMatch(/json/);
		expect((await replay(server, answered[0])).body).toEqual({ received: true, duplicate: true });
	});
});

describe('signed callbacks: an observed signature replayed with a rewritten body', () => {
	beforeEach(() => server.useTrigger({ events: ALL_EVENTS, options: {} }, signed()));

	it("failure flipped to success with the attacker's URL: the run gets kie's failure", async () => {
		const taskId = await ctl.createTask(API_KEY, '[content-policy] flipped');
		await ctl.complete(taskId);
		const headers = signedHeaders(HMAC, taskId);
		const answer = await postCallback(
			server.triggerUrl,
			successBody(taskId, [ATTACKER_URL]),
			headers,
		);
		expect(answer.status).toBe(200);
		expect(server.triggerStarts[0].outputs[0][0].json).toMatchObject({
			taskId,
			status: 'failed',
			event: 'failure',
			videoUrls: [],
			signatureVerified: true,
		});
	});

	it('a generation callback relabelled as a 4K one: kie has no 4K render for it, nothing starts', async () => {
		const taskId = await ctl.createTask(API_KEY, 'relabelled', { callBackUrl: server.triggerUrl });
		await ctl.complete(taskId);
		await ctl.delivered(taskId);
		expect(server.triggerStarts).toHaveLength(1);
		const fourK = {
			code: 200,
			msg: '4K Video generated successfully.',
			data: {
				task_id: taskId,
				result_urls: [ATTACKER_URL],
				image_urls: [ATTACKER_URL],
				media_ids: ['m1'],
			},
		};
		const answer = await postCallback(server.triggerUrl, fourK, signedHeaders(HMAC, taskId));
		expect(answer).toMatchObject({
			status: 400,
			body: { error: 'kie.ai has no 4K render for this task' },
		});
		expect(server.triggerStarts).toHaveLength(1);
	});

	it('a genuine 4K callback relabelled as a generation one gives the generation record, not the body', async () => {
		const taskId = await ctl.createTask(API_KEY, 'a 4K source');
		await ctl.complete(taskId);
		const answer = await postCallback(
			server.triggerUrl,
			successBody(taskId, [ATTACKER_URL]),
			signedHeaders(HMAC, taskId),
		);
		expect(answer.status).toBe(200);
		const item = server.triggerStarts[0].outputs[0][0].json;
		expect(item).toMatchObject({ taskId, status: 'success', event: 'success' });
		expect(item.videoUrls).not.toContain(ATTACKER_URL);
	});

	it('a text Signature Tolerance ("5m") refuses every callback with the field named, instead of switching the check off', async () => {
		server.useTrigger(
			{ events: ALL_EVENTS, options: { signatureToleranceSeconds: '5m' } },
			signed(),
		);
		const taskId = await ctl.createTask(API_KEY, 'a day-old signature');
		await ctl.complete(taskId);
		const dayOld = await postCallback(
			server.triggerUrl,
			successBody(taskId),
			signedHeaders(HMAC, taskId, nowSeconds() - 86_400),
		);
		expect(dayOld.status).toBe(500);
		expect(String(dayOld.body.error)).toMatch(
			/Signature Tolerance \(Seconds\)".*"5m".*from 1 to 86400/,
		);
		expect(server.triggerStarts).toHaveLength(0);
	});
});

describe('requests that are not callbacks from kie', () => {
	it.each([
		['application/xml; x=application/json', 'xml'],
		['application/x-www-form-urlencoded; x=application/json', 'form'],
		['text/plain; charset=application/json', 'text'],
	])('content type %s: 400, nothing started', async (contentType, kind) => {
		const taskId = await fx.finishedTask('content types');
		const body =
			kind === 'form'
				? `taskId=${taskId}&code=200`
				: kind === 'xml'
					? `<data><taskId>${taskId}</taskId></data>`
					: JSON.stringify(successBody(taskId));
		const answer = await postCallback(server.triggerUrl, body, { 'content-type': contentType });
		expect(answer).toMatchObject({
			status: 400,
			body: { error: 'Content-Type must be application/json' },
		});
		expect(server.triggerStarts).toHaveLength(0);
	});

	it('a result list nested 20 000 deep: 400, not a server error', async () => {
		const taskId = await fx.finishedTask('deep');
		const deep = `${'['.repeat(20_000)}"https://x.example/v.mp4"${']'.repeat(20_000)}`;
		const body = `{"code":200,"msg":"ok","data":{"taskId":"${taskId}","info":{"resultUrls":${deep}}}}`;
		const answer = await postCallback(server.triggerUrl, body);
		expect(answer).toMatchObject({
			status: 400,
			body: { error: 'Callback body is nested too deeply' },
		});
		expect(server.triggerStarts).toHaveLength(0);
	});

	it('a 300 KB body: 413', async () => {
		const taskId = await fx.finishedTask('huge');
		const answer = await postCallback(
			server.triggerUrl,
			successBody(taskId, ['https://x.example/v.mp4'], { padding: 'x'.repeat(300 * 1024) }),
		);
		expect(answer).toMatchObject({ status: 413, body: { error: 'Callback body is too large' } });
	});

	it('20 forged posts with 200 KB task IDs leave the saved static data small', async () => {
		for (let i = 0; i < 20; i++) {
			const taskId = `${i}`.padEnd(200 * 1024, 'a');
			const answer = await postCallback(server.triggerUrl, {
				code: 200,
				msg: 'ok',
				data: { taskId, info: { resultUrls: [ATTACKER_URL] } },
			});
			expect(answer.status).toBe(400);
		}
		expect(JSON.stringify(server.triggerStaticData).length).toBeLessThan(1024);
		expect(server.triggerStarts).toHaveLength(0);
	});
});

describe('the duplicate store', () => {
	it('is bounded in bytes whatever the keys: 20 keys of 200 KB, then 1500 more', () => {
		const staticData: IDataObject = {};
		for (let i = 0; i < 20; i++)
			expect(seenBefore('scope-bytes', staticData, `${i}`.padEnd(200 * 1024, 'k'))).toBe(false);
		expect(JSON.stringify(staticData).length).toBeLessThan(2048);
		for (let i = 0; i < 1500; i++)
			seenBefore('scope-bytes', staticData, `task-${i}|generation|success`);
		expect(JSON.stringify(staticData).length).toBeLessThanOrEqual(MAX_STORE_BYTES + 64);
		// The newest are remembered, the oldest gave way.
		expect(alreadySeen('scope-bytes', staticData, 'task-1499|generation|success')).toBe(true);
		expect(alreadySeen('scope-bytes', staticData, 'task-0|generation|success')).toBe(false);
	});

	it('compacts keys saved raw by older versions', () => {
		forgetAllCallbacks();
		const old: IDataObject = { seenCallbacks: { 'abc|generation|success': Date.now() } };
		expect(seenBefore('scope-old', old, 'abc|generation|success')).toBe(true);
		expect(seenBefore('scope-old', old, 'def|generation|success')).toBe(false);
		expect((old.seenCallbacks as Array<[string, number]>).map(([key]) => key.length)).toEqual([
			22, 22,
		]);
	});
});
