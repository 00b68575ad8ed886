/**
 * Callbacks (docs/kie-api.md#callbacks): every generation variant, the config switches for conflicting docs, HMAC
 * signing (docs/kie-api.md#callback-signature) checked against an independent computation and a fixed vector, retries, timeout,
 * seeded drop/duplicate faults, and control-API re-sends for abuse tests.
 */
import axios from 'axios';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { signCallback, startSimulator } from '../../simulator';
import {
	generate,
	startHarness,
	startReceiver,
	waitDone,
	waitFor,
	sleep,
	type Harness,
	type Receiver,
} from './helpers';

const HMAC_KEY = 'test-key';

let h: Harness;
let rx: Receiver;
beforeAll(async () => {
	h = await startHarness({ renderMs: 20, hmacKey: HMAC_KEY });
	rx = await startReceiver();
});
afterAll(async () => {
	await h.sim.stop();
	await rx.close();
});
beforeEach(() => {
	h.sim.reset();
	rx.received.length = 0;
});

/** Independent of the simulator's code: plain node:crypto, per docs/kie-api.md#callback-signature. */
function expectedSignature(key: string, taskId: string, timestamp: string): string {
	return createHmac('sha256', key).update(`${taskId}.${timestamp}`).digest('base64');
}

function verify(headers: Record<string, unknown>, taskId: string, key = HMAC_KEY): boolean {
	const ts = headers['x-webhook-timestamp'];
	const sig = headers['x-webhook-signature'];
	if (typeof ts !== 'string' || typeof sig !== 'string') return false;
	const a = Buffer.from(sig);
	const b = Buffer.from(expectedSignature(key, taskId, ts));
	return a.length === b.length && timingSafeEqual(a, b);
}

async function callbackFor(body: Record<string, unknown>) {
	const id = await generate(h.api, { callBackUrl: rx.url, ...body });
	const [cb] = await rx.waitForCount(1);
	return { id, cb };
}

describe('generation callback variants (docs/kie-api.md#callback-body)', () => {
	it('success: {code:200,msg,data:{taskId,info:{resultUrls,originUrls,resolution},promptJson,fallbackFlag:false}}', async () => {
		const { id, cb } = await callbackFor({ prompt: 'cat' });
		expect(cb.headers['content-type']).toBe('application/json');
		expect(cb.body).toEqual({
			code: 200,
			msg: 'Veo3.1 video generated successfully.',
			data: {
				taskId: id,
				info: {
					resultUrls: [expect.stringMatching(/_0\.mp4$/)],
					originUrls: null,
					resolution: '720p',
				},
				promptJson: {
					aspectRatio: '16:9',
					callBackUrl: rx.url,
					enableFallback: false,
					enableTranslation: true,
					model: 'veo3_fast',
					prompt: 'cat',
				},
				fallbackFlag: false,
			},
		});
	});

	it('success for 9:16 carries originUrls', async () => {
		const { cb } = await callbackFor({ aspect_ratio: '9:16' });
		expect(cb.body.data.info.originUrls).toEqual([expect.stringMatching(/_0_origin\.mp4$/)]);
	});

	it.each([
		['[content-policy]', 400, 'Your prompt was flagged by Website as violating content policies.'],
		['[fail]', 501, 'Generation failed'],
		['[timeout]', 500, 'Internal Error - Timeout'],
		[
			'[flow-rejected]',
			422,
			'Your request was rejected by Flow(Your prompt was flagged by Website as violating content policies). You may consider using our other fallback channels, which are likely to succeed. Please refer to the documentation.',
		],
	])('failure %s → code %d, no info', async (marker, code, msg) => {
		const { id, cb } = await callbackFor({ prompt: `x ${marker}` });
		expect(cb.body).toEqual({ code, msg, data: { taskId: id, fallbackFlag: false } });
	});

	it('fallback success: fallback message, 1080p, fallbackFlag true', async () => {
		const { id, cb } = await callbackFor({ prompt: 'x [fallback]' });
		expect(cb.body).toEqual({
			code: 200,
			msg: 'Veo3.1 video generated successfully (using fallback model).',
			data: {
				taskId: id,
				info: { resultUrls: [expect.any(String)], resolution: '1080p' },
				fallbackFlag: true,
			},
		});
	});

	it('promptJson as a JSON string (current page)', async () => {
		h.sim.configure({ callbackPromptJson: 'string' });
		const { cb } = await callbackFor({ prompt: 'cat' });
		expect(typeof cb.body.data.promptJson).toBe('string');
		expect(JSON.parse(cb.body.data.promptJson)).toMatchObject({
			prompt: 'cat',
			aspectRatio: '16:9',
		});
	});

	it.each([
		['json-string', (v: unknown) => JSON.parse(v as string)[0]],
		['string', (v: unknown) => v],
	] as const)('info.resultUrls as %s', async (format, first) => {
		h.sim.configure({ callbackUrlFormat: format });
		const { cb } = await callbackFor({});
		expect(typeof cb.body.data.info.resultUrls).toBe('string');
		expect(first(cb.body.data.info.resultUrls)).toMatch(
			/^http:\/\/127\.0\.0\.1:\d+\/files\/v\/[0-9a-f]{32}_0\.mp4$/,
		);
	});

	it('task id under data.task_id when configured', async () => {
		h.sim.configure({ callbackTaskIdKey: 'task_id' });
		const { id, cb } = await callbackFor({});
		expect(cb.body.data.task_id).toBe(id);
		expect(cb.body.data).not.toHaveProperty('taskId');
		expect(verify(cb.headers, id)).toBe(true);
	});

	it('no callback for the "playground" placeholder or without callBackUrl', async () => {
		const a = await generate(h.api, { callBackUrl: 'playground' });
		const b = await generate(h.api);
		await waitDone(h.api, a);
		await waitDone(h.api, b);
		await sleep(50);
		expect(rx.received).toHaveLength(0);
		expect(h.sim.counters().callbacksSent).toBe(0);
	});
});

describe('signature (docs/kie-api.md#callback-signature)', () => {
	it('fixed vector: key test-key, task ee9c…5863, timestamp 1769670760', () => {
		// Computed independently: printf '%s' 'ee9c2715375b7837f8bb51d641ff5863.1769670760' |
		//   openssl dgst -sha256 -hmac test-key -binary | base64
		const expected = 'kaRdMyPIATX8gQVYxP8Mn46UnMuqft8BZvnk1FLpda4=';
		expect(signCallback('test-key', 'ee9c2715375b7837f8bb51d641ff5863', '1769670760')).toBe(
			expected,
		);
		expect(signCallback('test-key', 'ee9c2715375b7837f8bb51d641ff5863', 1769670760)).toBe(expected);
	});

	it('signed callbacks carry X-Webhook-Timestamp (unix seconds) and a valid X-Webhook-Signature', async () => {
		const { id, cb } = await callbackFor({});
		const ts = cb.headers['x-webhook-timestamp'] as string;
		expect(ts).toMatch(/^\d{10}$/);
		expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(5);
		expect(cb.headers['x-webhook-signature']).toBe(expectedSignature(HMAC_KEY, id, ts));
		expect(Buffer.from(cb.headers['x-webhook-signature'] as string, 'base64')).toHaveLength(32);
	});

	it('failure callbacks are signed too', async () => {
		const { id, cb } = await callbackFor({ prompt: 'x [fail]' });
		expect(verify(cb.headers, id)).toBe(true);
	});

	it('4K callbacks sign the task id they carry', async () => {
		h.sim.configure({ fourKCallbackShape: 'openapi', fourKMs: 10 });
		const id = await generate(h.api);
		await waitDone(h.api, id);
		await h.api.post('/api/v1/veo/get-4k-video', { taskId: id, callBackUrl: rx.url });
		const [cb] = await rx.waitForCount(1);
		expect(verify(cb.headers, cb.body.data.task_id)).toBe(true);
	});

	it('no signature headers without an HMAC key', async () => {
		h.sim.configure({ hmacKey: null });
		const { cb } = await callbackFor({});
		expect(cb.headers).not.toHaveProperty('x-webhook-signature');
		expect(cb.headers).not.toHaveProperty('x-webhook-timestamp');
	});

	it('a different key does not verify', async () => {
		const { id, cb } = await callbackFor({});
		expect(verify(cb.headers, id, 'other-key')).toBe(false);
	});
});

describe('delivery and retries (docs/kie-api.md#callback-delivery)', () => {
	it('retries on non-2xx: receiver answers 500 twice then 200 → delivered on the 3rd attempt', async () => {
		const flaky = await startReceiver((n) => (n <= 2 ? 500 : 200));
		try {
			h.sim.configure({ callbackRetryDelayMs: 60 });
			const id = await generate(h.api, { callBackUrl: flaky.url });
			const got = await flaky.waitForCount(3);
			await waitFor(() => h.sim.counters().callbacksDelivered === 1);
			expect(got.map((r) => r.body.data.taskId)).toEqual([id, id, id]);
			expect(got[1].at - got[0].at).toBeGreaterThanOrEqual(50);
			expect(h.sim.counters()).toMatchObject({
				callbacksSent: 3,
				callbacksDelivered: 1,
				callbacksFailed: 0,
			});
			expect(h.sim.callbacks().map((c) => c.status)).toEqual([500, 500, 200]);
			await sleep(150);
			expect(flaky.received).toHaveLength(3);
		} finally {
			await flaky.close();
		}
	});

	it('gives up after 3 retries (4 attempts) and counts a failed callback', async () => {
		const down = await startReceiver(() => 503);
		try {
			h.sim.configure({ callbackRetryDelayMs: 10 });
			await generate(h.api, { callBackUrl: down.url });
			await waitFor(() => h.sim.counters().callbacksFailed === 1);
			expect(down.received).toHaveLength(4);
			expect(h.sim.counters()).toMatchObject({ callbacksSent: 4, callbacksDelivered: 0 });
		} finally {
			await down.close();
		}
	});

	it('treats a receiver slower than the timeout as a failure and retries', async () => {
		const hanging = await startReceiver((n) => (n === 1 ? null : 200));
		try {
			h.sim.configure({ callbackTimeoutMs: 100, callbackRetryDelayMs: 10 });
			await generate(h.api, { callBackUrl: hanging.url });
			await waitFor(() => h.sim.counters().callbacksDelivered === 1);
			expect(hanging.received).toHaveLength(2);
			expect(h.sim.callbacks()[0]).toMatchObject({
				status: null,
				error: expect.stringMatching(/timeout/),
			});
		} finally {
			await hanging.close();
		}
	});

	it('retries on network errors (nothing listening)', async () => {
		const gone = await startReceiver();
		const url = gone.url;
		await gone.close();
		h.sim.configure({ callbackRetryDelayMs: 10, callbackRetries: 2 });
		await generate(h.api, { callBackUrl: url });
		await waitFor(() => h.sim.counters().callbacksFailed === 1);
		expect(h.sim.counters().callbacksSent).toBe(3);
	});
});

describe('seeded drop / duplicate faults', () => {
	async function run(): Promise<{
		dropped: number;
		duplicated: number;
		received: number;
		perTask: number[];
	}> {
		const sim = await startSimulator({
			renderMs: 5,
			rateLimit: { max: 1000 },
			faults: { seed: 42, dropCallbackRate: 0.3, duplicateCallbackRate: 0.3 },
		});
		const local = await startReceiver();
		try {
			const api = axios.create({
				baseURL: sim.url,
				headers: { Authorization: 'Bearer sim-key' },
			});
			const ids: string[] = [];
			for (let i = 0; i < 30; i++) {
				ids.push(
					(
						await api.post('/api/v1/veo/generate', {
							model: 'veo3_fast',
							prompt: `p${i}`,
							callBackUrl: local.url,
						})
					).data.data.taskId,
				);
			}
			await waitFor(() => sim.tasks().every((t) => t.state !== 'generating'));
			const c = () => sim.counters();
			await waitFor(
				() => c().callbacksDelivered === 30 - c().callbacksDropped + c().callbacksDuplicated,
			);
			const perTask = ids.map(
				(id) => local.received.filter((r) => r.body.data.taskId === id).length,
			);
			return {
				dropped: c().callbacksDropped,
				duplicated: c().callbacksDuplicated,
				received: local.received.length,
				perTask,
			};
		} finally {
			await sim.stop();
			await local.close();
		}
	}

	it('the same seed gives the same drops and duplicates on two runs', async () => {
		const a = await run();
		const b = await run();
		expect(b).toEqual(a);
		expect(a.dropped).toBeGreaterThan(0);
		expect(a.duplicated).toBeGreaterThan(0);
		expect(a.received).toBe(30 - a.dropped + a.duplicated);
		expect(a.perTask.filter((n) => n === 0)).toHaveLength(a.dropped);
		expect(a.perTask.filter((n) => n === 2)).toHaveLength(a.duplicated);
	});
});

describe('control re-send (abuse tests)', () => {
	it('re-sends with {duplicate:n} → n+1 identical deliveries', async () => {
		const { id } = await callbackFor({});
		const res = await h.control.post(`/tasks/${id}/callback`, { duplicate: 2 });
		expect(res.data).toEqual({ sent: 3, url: rx.url });
		const got = await rx.waitForCount(4);
		expect(new Set(got.map((r) => r.raw)).size).toBe(1);
	});

	it('tamper:"signature" sends a well-formed but wrong signature', async () => {
		const { id } = await callbackFor({});
		await h.control.post(`/tasks/${id}/callback`, { tamper: 'signature' });
		const [, bad] = await rx.waitForCount(2);
		expect(bad.headers['x-webhook-signature']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
		expect(verify(bad.headers, id)).toBe(false);
	});

	it('tamper:"unsigned" drops the headers; a fixed (stale) timestamp is signed correctly', async () => {
		const { id } = await callbackFor({});
		await h.control.post(`/tasks/${id}/callback`, { tamper: 'unsigned' });
		const [, unsigned] = await rx.waitForCount(2);
		expect(unsigned.headers).not.toHaveProperty('x-webhook-signature');
		await h.control.post(`/tasks/${id}/callback`, { timestamp: 1769670760 });
		const [, , stale] = await rx.waitForCount(3);
		expect(stale.headers['x-webhook-timestamp']).toBe('1769670760');
		expect(verify(stale.headers, id)).toBe(true);
	});

	it('can target another URL and refuses tasks still generating', async () => {
		h.sim.configure({ renderMs: 5000 });
		const id = await generate(h.api);
		expect((await h.control.post(`/tasks/${id}/callback`, { url: rx.url })).status).toBe(409);
		await h.control.post(`/tasks/${id}/complete`, { outcome: 'timeout' });
		expect((await h.control.post(`/tasks/${id}/callback`, { url: rx.url })).status).toBe(200);
		const [cb] = await rx.waitForCount(1);
		expect(cb.body.code).toBe(500);
	});
});
