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
	claimDelivery,
	forgetAcceptedDeliveries,
	MAX_REPLAY_ENTRIES,
	MAX_SAVED_REPLAY_BYTES,
} from '../../../../nodes/Veo3Trigger/replay';
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
	forgetAcceptedDeliveries();
	server.log.length = 0;
	server.useTrigger({ events: ALL_EVENTS, options: {} }, unsigned());
});

/** A 4K-ready callback body in the callback page's shape, with the attacker's URLs. */
function fourKBody(taskId: string): Record<string, unknown> {
	return {
		code: 200,
		msg: '4K Video generated successfully.',
		data: {
			task_id: taskId,
			result_urls: [ATTACKER_URL],
			image_urls: [ATTACKER_URL],
			media_ids: ['m1'],
		},
	};
}

/** What the account paid and the paid requests kie received: the simulator's balance and log. */
function spending(): IDataObject {
	const counters = fx.sim.counters();
	const paid = fx.sim
		.requests()
		.filter((r) =>
			/^POST \/api\/v1\/(veo\/(generate|extend|get-4k-video)|jobs\/createTask)$/.test(r.endpoint),
		)
		.concat(fx.sim.requests().filter((r) => r.endpoint === 'GET /api/v1/veo/get-1080p-video'));
	return {
		credits: counters.credits,
		creditsSpent: counters.creditsSpent,
		fourKJobs: counters.fourKJobs,
		paidRequests: paid.length,
	};
}

describe('no callback spends credits: a 4K claim is confirmed with free reads or refused', () => {
	it('a forged unsigned "4K ready" naming a real finished task that never had a 4K: 0 credits, 0 paid requests, nothing starts', async () => {
		const taskId = await ctl.createTask(API_KEY, 'a finished video, no 4K');
		await ctl.complete(taskId);
		const spent = spending();
		expect(spent.credits).toBe(9940);
		const answer = await postCallback(server.triggerUrl, fourKBody(taskId));
		expect(answer).toEqual({
			status: 200,
			body: {
				received: true,
				confirmed: false,
				reason: expect.stringMatching(/no 4K result.*never sends a 4K request/),
			},
		});
		expect(server.triggerStarts).toHaveLength(0);
		expect(spending()).toEqual(spent);
		expect(fx.sim.counters().credits).toBe(9940);
	});

	it('the same claim in every 4K body shape kie documents, forged ten times: still nothing paid', async () => {
		const taskId = await ctl.createTask(API_KEY, 'a finished video, many claims');
		await ctl.complete(taskId);
		const spent = spending();
		const shapes = [
			fourKBody(taskId),
			{
				code: 200,
				msg: '4K Video generated successfully.',
				data: { taskId, info: { resultUrls: [ATTACKER_URL], imageUrls: [ATTACKER_URL] } },
			},
			{ code: 500, msg: 'The 4K version of this video is unavailable.', data: { taskId } },
		];
		for (let i = 0; i < 10; i++) await postCallback(server.triggerUrl, shapes[i % shapes.length]);
		expect(server.triggerStarts).toHaveLength(0);
		expect(spending()).toEqual(spent);
	});

	it("a 4K render with a task id of its own is confirmed by its record-info, free; the item is kie's record", async () => {
		fx.sim.configure({ fourKTaskId: 'new', fourKMs: 60_000 });
		const source = await ctl.createTask(API_KEY, 'a 4K source with its own 4K id');
		await ctl.complete(source);
		const answer = await ctl.post(API_KEY, '/api/v1/veo/get-4k-video', {
			taskId: source,
			index: 0,
			callBackUrl: server.triggerUrl,
		});
		const fourKId = String((answer.data as IDataObject).taskId);
		const spent = spending();
		await ctl.complete(source);
		await ctl.delivered(fourKId);
		expect(server.triggerStarts).toHaveLength(1);
		const item = server.triggerStarts[0].outputs[0][0].json;
		expect(item).toMatchObject({ taskId: fourKId, event: 'fourK', status: 'success' });
		expect(spending()).toEqual(spent);
		// A forged body naming that id gets kie's URLs, not the attacker's.
		forgetAllCallbacks();
		server.useTrigger({ events: ALL_EVENTS, options: { ignoreDuplicates: false } }, unsigned());
		await postCallback(server.triggerUrl, fourKBody(fourKId));
		const forged = server.triggerStarts[0].outputs[0][0].json;
		const { unverifiedCallbackBody, ...rest } = forged;
		expect(rest).toMatchObject({ taskId: fourKId, event: 'fourK', status: 'success' });
		expect(JSON.stringify(rest)).not.toContain(ATTACKER_URL);
		expect(JSON.stringify(unverifiedCallbackBody)).toContain(ATTACKER_URL);
		expect(spending()).toEqual(spent);
	});
});

describe("the item is kie's word", () => {
	it('no byte of the received body outside unverifiedCallbackBody, in every field the body can fill', async () => {
		const taskId = await ctl.createTask(API_KEY, 'a video an attacker describes');
		await ctl.complete(taskId);
		const marker = 'ATTACKER-MARKER-5c1e';
		const body = {
			code: 200,
			msg: `${marker} msg`,
			data: {
				taskId,
				info: {
					resultUrls: [`https://${marker}.example/v.mp4`],
					originUrls: [`https://${marker}.example/o.mp4`],
					fullResultUrls: [`https://${marker}.example/f.mp4`],
					imageUrls: [`https://${marker}.example/i.jpg`],
					resolution: `${marker}-4k`,
				},
				promptJson: { prompt: marker },
				fallbackFlag: true,
				[marker]: marker,
			},
			[marker]: marker,
		};
		const answer = await postCallback(server.triggerUrl, body);
		expect(answer.status).toBe(200);
		const item = server.triggerStarts[0].outputs[0][0].json;
		const { unverifiedCallbackBody, ...rest } = item;
		expect(JSON.stringify(rest)).not.toContain(marker);
		expect(unverifiedCallbackBody).toEqual(body);
		expect(rest).toMatchObject({ confirmedByKie: true, signatureVerified: false, fallback: false });
		// raw is kie's record-info answer for the task.
		expect(rest.raw).toMatchObject({ taskId, successFlag: 1, fallbackFlag: false });
	});
});

describe('an accepted signed delivery counts once', () => {
	it('an exact replay of an accepted (timestamp, signature) starts 0 runs with "Ignore Duplicate Deliveries" off', async () => {
		server.useTrigger({ events: ALL_EVENTS, options: { ignoreDuplicates: false } }, signed());
		const taskId = await ctl.createTask(API_KEY, 'replayed', { callBackUrl: server.triggerUrl });
		await ctl.complete(taskId);
		await ctl.delivered(taskId);
		expect(server.triggerStarts).toHaveLength(1);
		const genuine = server.log.find((l) => l.path === '/webhook/veo3')!;
		const reads = ctl.recordReads().get(taskId);
		for (let i = 0; i < 3; i++)
			expect(await replay(server, genuine)).toEqual({
				status: 200,
				body: { received: true, duplicate: true },
			});
		expect(server.triggerStarts).toHaveLength(1);
		// Answered from memory: not even a free read.
		expect(ctl.recordReads().get(taskId)).toBe(reads);
		// kie's own re-delivery, signed at another time, still starts its run with the option off.
		await ctl.resend(taskId, { timestamp: nowSeconds() + 1 });
		await ctl.delivered(taskId, 2);
		expect(server.triggerStarts).toHaveLength(2);
	});

	it('the saved copy stops a replay in another process (process memory gone)', async () => {
		server.useTrigger({ events: ALL_EVENTS, options: { ignoreDuplicates: false } }, signed());
		const taskId = await ctl.createTask(API_KEY, 'replayed later', {
			callBackUrl: server.triggerUrl,
		});
		await ctl.complete(taskId);
		await ctl.delivered(taskId);
		forgetAcceptedDeliveries();
		const genuine = server.log.find((l) => l.path === '/webhook/veo3')!;
		expect((await replay(server, genuine)).body).toEqual({ received: true, duplicate: true });
		expect(server.triggerStarts).toHaveLength(1);
	});

	it('a delivery refused with an error (task still rendering) may come again: its retry is read again', async () => {
		server.useTrigger({ events: ALL_EVENTS, options: { ignoreDuplicates: false } }, signed());
		const taskId = await ctl.createTask(API_KEY, 'early');
		const headers = signedHeaders(HMAC, taskId);
		expect((await postCallback(server.triggerUrl, successBody(taskId), headers)).status).toBe(503);
		await ctl.complete(taskId);
		expect((await postCallback(server.triggerUrl, successBody(taskId), headers)).status).toBe(200);
		expect(server.triggerStarts).toHaveLength(1);
		expect((await postCallback(server.triggerUrl, successBody(taskId), headers)).body).toEqual({
			received: true,
			duplicate: true,
		});
		expect(server.triggerStarts).toHaveLength(1);
	});
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
		// The body is kept only under a name that says unverified, never as the result or as raw.
		const { unverifiedCallbackBody, ...rest } = item;
		expect(JSON.stringify(rest)).not.toContain(ATTACKER_URL);
		expect(JSON.stringify(unverifiedCallbackBody)).toContain(ATTACKER_URL);
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

	it("kie's genuine signature of a generation callback, replayed with a 4K body: 0 credits, 0 paid requests, nothing starts", async () => {
		const taskId = await ctl.createTask(API_KEY, 'relabelled', { callBackUrl: server.triggerUrl });
		await ctl.complete(taskId);
		await ctl.delivered(taskId);
		expect(server.triggerStarts).toHaveLength(1);
		const genuine = server.log.find((l) => l.path === '/webhook/veo3')!;
		const spent = spending();
		// The observed signature covers only taskId.timestamp: the same headers with a 4K body.
		const replayed = await postCallback(server.triggerUrl, fourKBody(taskId), {
			'x-webhook-timestamp': String(genuine.headers['x-webhook-timestamp']),
			'x-webhook-signature': String(genuine.headers['x-webhook-signature']),
		});
		expect(replayed).toEqual({ status: 200, body: { received: true, duplicate: true } });
		// A signature of kie's that the trigger never accepted (its delivery was held back): the
		// 4K claim is checked, and refused, with free reads only.
		const unseen = await postCallback(
			server.triggerUrl,
			fourKBody(taskId),
			signedHeaders(HMAC, taskId, nowSeconds() - 1),
		);
		expect(unseen).toMatchObject({
			status: 200,
			body: { received: true, confirmed: false, reason: expect.stringMatching(/no 4K result/) },
		});
		expect(server.triggerStarts).toHaveLength(1);
		expect(spending()).toEqual(spent);
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

describe('the replay store', () => {
	const delivery = (i: number, expiresAtMs: number) => ({
		taskId: `task${i}`,
		timestamp: String(1_800_000_000 + i),
		signature: `sig${i}`,
		expiresAtMs,
	});

	it('keeps an accepted pair until its timestamp leaves the tolerance, then forgets it', () => {
		const staticData: IDataObject = {};
		const now = 1_000_000;
		const claim = claimDelivery('scope-time', staticData, delivery(1, now + 300_000), now);
		expect(claim.state).toBe('new');
		if (claim.state === 'new') claim.accept();
		expect(claimDelivery('scope-time', staticData, delivery(1, now + 300_000), now).state).toBe(
			'duplicate',
		);
		const later = now + 300_001;
		const again = claimDelivery('scope-time', {}, delivery(1, later + 300_000), later);
		expect(again.state).toBe('new');
	});

	it('is bounded: full of unexpired pairs it refuses (503) rather than forget one; the saved copy stays under its byte cap', () => {
		const staticData: IDataObject = {};
		const now = 1_000_000;
		for (let i = 0; i < MAX_REPLAY_ENTRIES; i++) {
			const claim = claimDelivery('scope-full', staticData, delivery(i, now + 60_000 + i), now);
			if (claim.state === 'new') claim.accept();
		}
		expect(JSON.stringify(staticData).length).toBeLessThanOrEqual(MAX_SAVED_REPLAY_BYTES + 64);
		expect(claimDelivery('scope-full', staticData, delivery(-1, now + 60_000), now).state).toBe(
			'full',
		);
		// Still a duplicate, not forgotten: the first pair of all.
		expect(claimDelivery('scope-full', staticData, delivery(0, now + 60_000), now).state).toBe(
			'duplicate',
		);
		// Once they expire there is room again.
		const later = now + 60_000 + MAX_REPLAY_ENTRIES + 1;
		expect(claimDelivery('scope-full', {}, delivery(-1, later + 60_000), later).state).toBe('new');
	});
});
