/**
 * GET /api/v1/veo/record-info (docs/kie-api.md#record-info) and the task state machine: generating → success/failure,
 * every prompt marker, forceOutcome, time profiles, output-format switches, legacy shape,
 * retention and unknown ids.
 */
import { generate, recordInfo, startHarness, waitDone, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
	h = await startHarness({ renderMs: 40 });
});
afterAll(() => h.sim.stop());
beforeEach(() => h.sim.reset());

const URL_RE = /^http:\/\/127\.0\.0\.1:\d+\/files\/v\/[0-9a-f]{32}_0(_origin|_full)?\.mp4$/;

describe('state machine', () => {
	it('is generating (successFlag 0, response null) right after creation', async () => {
		const id = await generate(h.api);
		const r = await recordInfo(h.api, id);
		expect(r).toMatchObject({ code: 200, msg: 'success' });
		expect(r.data).toEqual({
			taskId: id,
			paramJson: expect.any(String),
			completeTime: null,
			createTime: expect.any(Number),
			response: null,
			successFlag: 0,
			errorCode: null,
			errorMessage: null,
			fallbackFlag: false,
		});
	});

	it('then succeeds with the full response, docs/kie-api.md#record-fields', async () => {
		const id = await generate(h.api, { seeds: 34186 });
		const data = await waitDone(h.api, id);
		expect(data).toEqual({
			taskId: id,
			paramJson: expect.any(String),
			completeTime: expect.any(Number),
			createTime: expect.any(Number),
			response: {
				taskId: id,
				resultUrls: [expect.stringMatching(URL_RE)],
				originUrls: null,
				resolution: '720p',
				seeds: [34186],
				hasAudioList: [true],
			},
			successFlag: 1,
			errorCode: null,
			errorMessage: null,
			fallbackFlag: false,
		});
		expect(data.completeTime).toBeGreaterThanOrEqual(data.createTime);
		expect(data.response).not.toHaveProperty('fullResultUrls');
	});

	it('fills originUrls only when the aspect ratio is not 16:9', async () => {
		const portrait = await waitDone(h.api, await generate(h.api, { aspect_ratio: '9:16' }));
		expect(portrait.response.originUrls).toEqual([expect.stringMatching(/_0_origin\.mp4$/)]);
		const landscape = await waitDone(h.api, await generate(h.api, { aspectRatio: '16:9' }));
		expect(landscape.response.originUrls).toBeNull();
	});

	it('reports the requested resolution and a random seed in range when none was sent', async () => {
		const data = await waitDone(h.api, await generate(h.api, { resolution: '1080p' }));
		expect(data.response.resolution).toBe('1080p');
		expect(data.response.seeds[0]).toBeGreaterThanOrEqual(10000);
		expect(data.response.seeds[0]).toBeLessThanOrEqual(99999);
	});
});

describe('prompt markers', () => {
	it.each([
		[
			'[content-policy]',
			2,
			400,
			'Your prompt was flagged by Website as violating content policies.',
		],
		['[fail]', 3, 501, 'Generation failed'],
		['[timeout]', 3, 500, 'Internal Error - Timeout'],
		[
			'[flow-rejected]',
			2,
			422,
			'Your request was rejected by Flow(Your prompt was flagged by Website as violating content policies). You may consider using our other fallback channels, which are likely to succeed. Please refer to the documentation.',
		],
	])('%s → successFlag %d, errorCode %d', async (marker, flag, code, message) => {
		const data = await waitDone(h.api, await generate(h.api, { prompt: `a scene ${marker}` }));
		expect(data).toMatchObject({
			successFlag: flag,
			errorCode: code,
			errorMessage: message,
			response: null,
			fallbackFlag: false,
		});
		expect(data.completeTime).toEqual(expect.any(Number));
	});

	it('[fallback] → success via the fallback model: fallbackFlag true, 1080p', async () => {
		const data = await waitDone(h.api, await generate(h.api, { prompt: 'cat [fallback]' }));
		expect(data).toMatchObject({ successFlag: 1, fallbackFlag: true, errorCode: null });
		expect(data.response.resolution).toBe('1080p');
	});

	it('[slow] → render takes 5× longer', async () => {
		h.sim.configure({ renderMs: null }); // fast profile: 300 ms
		const normal = await generate(h.api, { prompt: 'cat' });
		const slow = await generate(h.api, { prompt: 'cat [SLOW]' });
		expect(h.sim.task(normal)?.renderMs).toBe(300);
		expect(h.sim.task(slow)?.renderMs).toBe(1500);
	});

	it('forceOutcome overrides markers for new tasks', async () => {
		h.sim.configure({ forceOutcome: 'fail' });
		const data = await waitDone(h.api, await generate(h.api, { prompt: 'cat [fallback]' }));
		expect(data.successFlag).toBe(3);
	});
});

describe('time profiles', () => {
	it('fast: ~300 ms render, really completes within a second', async () => {
		h.sim.configure({ renderMs: null });
		const t0 = Date.now();
		const id = await generate(h.api);
		expect((await recordInfo(h.api, id)).data.successFlag).toBe(0);
		await waitDone(h.api, id, 1000);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
	});

	it('realistic: seeded 2–5 min render; the control API can finish it now', async () => {
		h.sim.configure({ profile: 'realistic', renderMs: null });
		const ids = [await generate(h.api), await generate(h.api), await generate(h.api)];
		for (const id of ids) {
			const ms = h.sim.task(id)!.renderMs;
			expect(ms).toBeGreaterThanOrEqual(120_000);
			expect(ms).toBeLessThanOrEqual(300_000);
		}
		// Seeded: a reset replays the same render times.
		const first = ids.map((id) => h.sim.task(id)!.renderMs);
		h.sim.reset();
		h.sim.configure({ profile: 'realistic', renderMs: null });
		const again = [await generate(h.api), await generate(h.api), await generate(h.api)];
		expect(again.map((id) => h.sim.task(id)!.renderMs)).toEqual(first);
		await h.control.post(`/tasks/${again[0]}/complete`, {});
		expect((await recordInfo(h.api, again[0])).data.successFlag).toBe(1);
	});

	it('renderMs overrides the profile', async () => {
		h.sim.configure({ profile: 'realistic', renderMs: 10 });
		const id = await generate(h.api);
		expect((await waitDone(h.api, id, 1000)).successFlag).toBe(1);
	});
});

describe('output format switches', () => {
	it('timeFormat string → "YYYY-MM-DD HH:mm:ss"', async () => {
		h.sim.configure({ timeFormat: 'string' });
		const data = await waitDone(h.api, await generate(h.api));
		expect(data.createTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
		expect(data.completeTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
	});

	it('recordUrlFormat json-string → JSON-encoded URL lists', async () => {
		h.sim.configure({ recordUrlFormat: 'json-string' });
		const data = await waitDone(h.api, await generate(h.api, { aspect_ratio: '9:16' }));
		expect(typeof data.response.resultUrls).toBe('string');
		expect(JSON.parse(data.response.resultUrls)).toEqual([expect.stringMatching(URL_RE)]);
		expect(JSON.parse(data.response.originUrls)).toEqual([expect.stringMatching(URL_RE)]);
	});

	it('recordUrlFormat string → a plain URL', async () => {
		h.sim.configure({ recordUrlFormat: 'string' });
		const data = await waitDone(h.api, await generate(h.api));
		expect(data.response.resultUrls).toMatch(URL_RE);
	});

	it('recordShape legacy → data.status and data.resultUrls as a JSON string (G0 quickstart)', async () => {
		const id = await generate(h.api);
		await waitDone(h.api, id);
		h.sim.configure({ recordShape: 'legacy' });
		const data = (await recordInfo(h.api, id)).data;
		expect(data.status).toBe(1);
		expect(data).not.toHaveProperty('successFlag');
		expect(data).not.toHaveProperty('response');
		expect(JSON.parse(data.resultUrls)).toEqual([expect.stringMatching(URL_RE)]);
	});

	it('legacy shape while generating: status 0, resultUrls null', async () => {
		h.sim.configure({ recordShape: 'legacy' });
		const data = (await recordInfo(h.api, await generate(h.api))).data;
		expect(data).toMatchObject({ status: 0, resultUrls: null });
	});
});

describe('lookup errors', () => {
	it('unknown task → 422 "record is null."', async () => {
		expect(await recordInfo(h.api, '0123456789abcdef0123456789abcdef')).toEqual({
			code: 422,
			msg: 'record is null.',
			data: null,
		});
	});

	it('missing taskId → 422 naming the field', async () => {
		const res = await h.api.get('/api/v1/veo/record-info');
		expect(res.data).toEqual({ code: 422, msg: 'taskId is required', data: null });
	});

	it('records older than 14 days → 422 "Temporarily supports records within 14 days."', async () => {
		const id = await generate(h.api);
		await waitDone(h.api, id);
		const aged = await h.control.post(`/tasks/${id}/age`, { days: 13 });
		expect(aged.status).toBe(200);
		expect((await recordInfo(h.api, id)).code).toBe(200);
		await h.control.post(`/tasks/${id}/age`, { days: 2 });
		expect(await recordInfo(h.api, id)).toEqual({
			code: 422,
			msg: 'Temporarily supports records within 14 days.',
			data: null,
		});
	});

	it('retention is configurable', async () => {
		const id = await generate(h.api);
		await h.control.post(`/tasks/${id}/age`, { days: 2 });
		h.sim.configure({ retentionDays: 1 });
		expect((await recordInfo(h.api, id)).code).toBe(422);
	});
});
