/**
 * kie's discovery endpoints (models, price, schema, success-rate), the switch that retires the
 * dedicated /api/v1/veo/* endpoints, the 433 sub-key limit, and the upload rules of kie's guide
 * (uploadPath without leading or trailing slash, files deleted after 24 h). Written from the
 * reference on kie's Jobs API.
 */
import { generate, sleep, startHarness, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
});
afterAll(async () => {
	await h.sim.stop();
});
beforeEach(() => {
	h.sim.reset();
	// The shared 1-per-second budget has its own test; here every call should be answered.
	h.sim.configure({ discoveryPerSecond: 1000 });
});

describe('GET /api/v1/models', () => {
	it('lists the Veo models with model, title, provider, taskType[] and pricingDesc', async () => {
		const res = (await h.api.get('/api/v1/models')).data;
		expect(res.code).toBe(200);
		const ids = res.data.models.map((m: any) => m.model);
		expect(ids).toEqual(
			expect.arrayContaining(['veo-3-1', 'veo/extend', 'veo/get-1080p-video', 'veo/get-4k-video']),
		);
		const veo = res.data.models.find((m: any) => m.model === 'veo-3-1');
		expect(veo).toEqual({
			model: 'veo-3-1',
			title: expect.any(String),
			provider: expect.any(String),
			taskType: expect.arrayContaining([expect.any(String)]),
			pricingDesc: expect.any(String),
		});
	});

	it('filters by taskType, provider and q', async () => {
		const byType = (await h.api.get('/api/v1/models', { params: { taskType: 'text-to-video' } }))
			.data.data.models;
		expect(byType.map((m: any) => m.model)).toContain('veo-3-1');
		expect(byType.every((m: any) => m.taskType.includes('text-to-video'))).toBe(true);
		const byQuery = (await h.api.get('/api/v1/models', { params: { q: 'extend' } })).data.data
			.models;
		expect(byQuery.map((m: any) => m.model)).toEqual(['veo/extend']);
		const none = (await h.api.get('/api/v1/models', { params: { provider: 'nobody' } })).data.data
			.models;
		expect(none).toEqual([]);
	});
});

describe('GET /api/v1/models/{model}/price and /schema', () => {
	it("prices veo-3-1 as kie's pricingDesc does: Lite 30/35/150, Fast 60/65/180, Quality 250/255/370", async () => {
		const res = (await h.api.get('/api/v1/models/veo-3-1/price')).data;
		expect(res.data.model).toBe('veo-3-1');
		const text: string = res.data.pricingDesc;
		for (const figure of ['30', '35', '150', '60', '65', '180', '250', '255', '370'])
			expect(text).toContain(figure);
		expect(text).not.toContain('380');
	});

	it('bills the dedicated API at the same prices (Quality 4K 370)', async () => {
		await generate(h.api, { model: 'veo3', resolution: '4k' });
		expect(h.sim.counters().creditsSpent).toBe(370);
	});

	it('answers a model id with a slash, plain or %2F-encoded', async () => {
		expect((await h.api.get('/api/v1/models/veo/extend/price')).data.data.model).toBe('veo/extend');
		expect((await h.api.get('/api/v1/models/veo%2Fextend/price')).data.data.model).toBe(
			'veo/extend',
		);
	});

	it('gives an OpenAPI 3.1 schema; veo-3-1 has duration 4/6/8 and no tier field', async () => {
		const res = (await h.api.get('/api/v1/models/veo-3-1/schema')).data;
		expect(res.data.model).toBe('veo-3-1');
		const text = JSON.stringify(res.data.openapi);
		expect(res.data.openapi.openapi).toMatch(/^3\.1/);
		expect(text).toContain('"duration"');
		expect(text).toContain('[4,6,8]');
		expect(text).not.toMatch(/veo3_fast|veo3_lite/);
	});

	it("answers 404 for the dedicated API's model ids", async () => {
		for (const id of ['veo3', 'veo3_fast', 'veo3_lite']) {
			expect((await h.api.get(`/api/v1/models/${id}/schema`)).data.code).toBe(404);
		}
	});
});

describe('GET /api/v1/models/{model}/success-rate', () => {
	it('covers the last 24 h in 10-minute buckets {start, end, successRate, errorRate, isNormal}, null without traffic', async () => {
		const buckets = (await h.api.get('/api/v1/models/veo-3-1/success-rate')).data.data;
		expect(buckets).toHaveLength(144);
		for (const b of buckets) {
			expect(b).toEqual({
				start: expect.any(Number),
				end: expect.any(Number),
				successRate: null,
				errorRate: null,
				isNormal: null,
			});
			expect(b.end - b.start).toBe(600_000);
		}
		expect(buckets[143].end).toBeGreaterThanOrEqual(Date.now());
	});

	it('measures the tasks that finished: one success and one failure give 50 %', async () => {
		await generate(h.api, { prompt: 'fine' });
		await generate(h.api, { prompt: 'broken [fail]' });
		await sleep(700);
		const buckets = (await h.api.get('/api/v1/models/veo-3-1/success-rate')).data.data;
		expect(buckets[143]).toMatchObject({ successRate: 50, errorRate: 50, isNormal: false });
		h.sim.configure({ successRateScale: 'fraction' });
		const fraction = (await h.api.get('/api/v1/models/veo-3-1/success-rate')).data.data;
		expect(fraction[143].successRate).toBe(0.5);
	});

	it('reports an injected rate for the last hour (kie failing now)', async () => {
		h.sim.configure({ successRateOverride: 0.25 });
		const buckets = (await h.api.get('/api/v1/models/veo-3-1/success-rate')).data.data;
		expect(buckets.slice(-6).map((b: any) => b.successRate)).toEqual([25, 25, 25, 25, 25, 25]);
		expect(buckets[143].isNormal).toBe(false);
		expect(buckets[0].successRate).toBeNull();
	});
});

describe('retired /api/v1/veo/* (veoRetired)', () => {
	it('answers every dedicated endpoint like a path kie never had (HTTP 404), creating and charging nothing', async () => {
		h.sim.configure({ veoRetired: true });
		const unknown = await h.api.get('/api/v1/no-such-endpoint');
		const retired = await h.api.post('/api/v1/veo/generate', { prompt: 'a', model: 'veo3_fast' });
		expect(retired.status).toBe(404);
		expect(retired.data).toEqual(unknown.data);
		for (const path of [
			'/api/v1/veo/record-info?taskId=x',
			'/api/v1/veo/get-1080p-video?taskId=x',
		]) {
			expect((await h.api.get(path)).status).toBe(404);
		}
		expect((await h.api.post('/api/v1/veo/extend', { taskId: 'x', prompt: 'a' })).status).toBe(404);
		expect(h.sim.tasks()).toHaveLength(0);
		expect(h.sim.counters().creditsSpent).toBe(0);
	});

	it('leaves the Jobs API, credits and download links working', async () => {
		h.sim.configure({ veoRetired: true });
		const created = (
			await h.api.post('/api/v1/jobs/createTask', { model: 'veo-3-1', input: { prompt: 'a' } })
		).data;
		expect(created.code).toBe(200);
		expect((await h.api.get('/api/v1/chat/credit')).data.code).toBe(200);
	});
});

describe('code 433: sub-key usage limit', () => {
	it('answers 433 in the body on creates and reads, creating and charging nothing', async () => {
		h.sim.configure({ subKeyLimited: true });
		const create = await h.api.post('/api/v1/jobs/createTask', {
			model: 'veo-3-1',
			input: { prompt: 'a' },
		});
		expect(create.status).toBe(200);
		expect(create.data).toMatchObject({ code: 433, msg: expect.stringMatching(/limit/i) });
		expect(
			(await h.api.post('/api/v1/veo/generate', { prompt: 'a', model: 'veo3_fast' })).data.code,
		).toBe(433);
		expect((await h.api.get('/api/v1/chat/credit')).data.code).toBe(433);
		expect(h.sim.tasks()).toHaveLength(0);
		expect(h.sim.counters().creditsSpent).toBe(0);
	});
});

describe('uploads (kie guide)', () => {
	it.each(['/images', 'images/', '/images/inputs/'])(
		'refuses uploadPath %p (no leading or trailing slash)',
		async (uploadPath) => {
			const res = await h.upload.post('/api/file-base64-upload', {
				base64Data: 'aGVsbG8=',
				uploadPath,
				fileName: 'a.txt',
			});
			expect(res.data).toMatchObject({
				success: false,
				code: 400,
				msg: expect.stringMatching(/uploadPath/),
			});
		},
	);

	it('deletes an uploaded file once it is older than uploadTtlMs (kie: 24 h)', async () => {
		expect(h.sim.config.uploadTtlMs).toBe(24 * 3600 * 1000);
		h.sim.configure({ uploadTtlMs: 2000 });
		const res = await h.upload.post('/api/file-base64-upload', {
			base64Data: 'aGVsbG8=',
			uploadPath: 'images/inputs',
			fileName: 'a.txt',
		});
		const url = res.data.data.downloadUrl;
		expect((await h.anon.get(url)).status).toBe(200);
		await sleep(2050);
		expect((await h.anon.get(url)).status).toBe(404);
	});
});
