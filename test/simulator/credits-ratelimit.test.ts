/**
 * Credits (docs/kie-api.md#prices; price table, 402 without task creation) and the create rate limit (20 per 10 s
 * sliding window → 429, configurable), GET /api/v1/chat/credit (docs/kie-api.md#credits).
 */
import { generate, startHarness, waitDone, sleep, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
	h = await startHarness({ renderMs: 20 });
});
afterAll(() => h.sim.stop());
beforeEach(() => h.sim.reset());

async function credits(): Promise<number> {
	const res = await h.api.get('/api/v1/chat/credit');
	expect(res.data).toMatchObject({ code: 200, msg: 'success' });
	return res.data.data;
}

describe('credit endpoint', () => {
	it('returns the bare balance as data', async () => {
		expect(await credits()).toBe(10000);
		h.sim.configure({ credits: 5916.25 });
		expect(await credits()).toBe(5916.25);
	});
});

describe('prices (docs/kie-api.md#prices)', () => {
	it.each([
		['veo3_fast', '720p', 60],
		['veo3_fast', '1080p', 65],
		['veo3_fast', '4k', 180],
		['veo3_lite', '720p', 30],
		['veo3_lite', '1080p', 35],
		['veo3_lite', '4k', 150],
		['veo3', '720p', 250],
		['veo3', '1080p', 255],
		['veo3', '4k', 370],
	])('generate %s %s costs %d', async (model, resolution, price) => {
		await generate(h.api, { model, resolution });
		expect(await credits()).toBe(10000 - price);
	});

	it('reference-to-video costs the same as fast/lite', async () => {
		await generate(h.api, {
			model: 'veo3_lite',
			generationType: 'REFERENCE_2_VIDEO',
			imageUrls: ['https://e.com/a.png'],
		});
		expect(await credits()).toBe(10000 - 30);
	});

	it('default request (veo3_fast, 720p) costs 60', async () => {
		await generate(h.api);
		expect(h.sim.counters()).toMatchObject({ credits: 9940, creditsSpent: 60 });
	});

	it.each([
		['fast', 60],
		['lite', 30],
		['quality', 250],
	])('extend %s costs %d', async (model, price) => {
		const id = await generate(h.api);
		await waitDone(h.api, id);
		const before = await credits();
		const res = await h.api.post('/api/v1/veo/extend', { taskId: id, prompt: 'continue', model });
		expect(res.data.code).toBe(200);
		expect(await credits()).toBe(before - price);
	});
});

describe('402 insufficient credits', () => {
	it('rejects generate when short, creates no task and charges nothing', async () => {
		h.sim.configure({ credits: 59 });
		const res = await h.api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'cat' });
		expect(res.status).toBe(200);
		expect(res.data).toEqual({
			code: 402,
			msg: 'The current credits are insufficient. Please top up.',
			data: null,
		});
		expect(h.sim.tasks()).toHaveLength(0);
		expect(await credits()).toBe(59);
	});

	it('drains to exactly zero, then refuses', async () => {
		h.sim.configure({ credits: 120 });
		await generate(h.api);
		await generate(h.api);
		expect(await credits()).toBe(0);
		expect(
			(await h.api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'x' })).data.code,
		).toBe(402);
		expect(h.sim.counters()).toMatchObject({ tasksCreated: 2, createsRejected: 1 });
	});

	it('rejects extend when short, without creating the new task', async () => {
		const id = await generate(h.api);
		await waitDone(h.api, id);
		h.sim.configure({ credits: 10 });
		const res = await h.api.post('/api/v1/veo/extend', { taskId: id, prompt: 'more' });
		expect(res.data.code).toBe(402);
		expect(h.sim.tasks()).toHaveLength(1);
	});

	it('reset restores the initial balance', async () => {
		await generate(h.api);
		h.sim.reset();
		expect(await credits()).toBe(10000);
	});
});

describe('429 rate limit (docs/kie-api.md#limits)', () => {
	it('allows 20 creates per window, then answers code 429 with HTTP 200 by default', async () => {
		for (let i = 0; i < 20; i++)
			expect(
				(await h.api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: `p${i}` })).data
					.code,
			).toBe(200);
		const res = await h.api.post('/api/v1/veo/generate', {
			model: 'veo3_fast',
			prompt: 'one too many',
		});
		expect(res.status).toBe(200);
		expect(res.data.code).toBe(429);
		expect(res.data.data).toBeNull();
		expect(h.sim.tasks()).toHaveLength(20);
		expect(await credits()).toBe(10000 - 20 * 60);
		expect(h.sim.counters().rateLimited).toBe(1);
	});

	it('is a sliding window: slots free up after windowMs', async () => {
		// A window long enough that a loaded machine still fits the first four calls in it.
		h.sim.configure({ rateLimit: { max: 3, windowMs: 2000 } });
		for (let i = 0; i < 3; i++) await generate(h.api);
		expect(
			(await h.api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'x' })).data.code,
		).toBe(429);
		await sleep(2050);
		expect(
			(await h.api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'x' })).data.code,
		).toBe(200);
	});

	it('counts extend and 4K as creates, but not reads', async () => {
		h.sim.configure({ rateLimit: { max: 3, windowMs: 10_000 } });
		const id = await generate(h.api);
		await waitDone(h.api, id);
		for (let i = 0; i < 5; i++)
			await h.api.get('/api/v1/veo/record-info', { params: { taskId: id } });
		expect((await h.api.post('/api/v1/veo/extend', { taskId: id, prompt: 'more' })).data.code).toBe(
			200,
		);
		expect((await h.api.post('/api/v1/veo/get-4k-video', { taskId: id })).data.code).toBe(200);
		expect(
			(await h.api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'x' })).data.code,
		).toBe(429);
		expect((await h.api.post('/api/v1/veo/extend', { taskId: id, prompt: 'x' })).data.code).toBe(
			429,
		);
		expect((await h.api.post('/api/v1/veo/get-4k-video', { taskId: id, index: 0 })).data.code).toBe(
			429,
		);
	});

	it('can answer with HTTP status 429 instead', async () => {
		h.sim.configure({ rateLimit: { max: 1, httpStatus: 429 } });
		await generate(h.api);
		const res = await h.api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'x' });
		expect(res.status).toBe(429);
		expect(res.data.code).toBe(429);
	});

	it('a rate-limited create creates nothing and charges nothing', async () => {
		h.sim.configure({ rateLimit: { max: 1 } });
		await generate(h.api);
		await h.api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'x' });
		expect(h.sim.counters()).toMatchObject({ tasksCreated: 1, createsRejected: 1, credits: 9940 });
	});
});
