/**
 * Control API (`/__sim/...`) and the in-process handle: reset, config, counters, request log
 * (never the Authorization value), task inspection/complete/age, health, start/stop.
 */
import axios from 'axios';
import { startSimulator } from '../../simulator';
import {
	API_KEY,
	generate,
	recordInfo,
	startHarness,
	startReceiver,
	waitDone,
	waitFor,
	type Harness,
} from './helpers';

let h: Harness;
beforeAll(async () => {
	h = await startHarness({ renderMs: 20, hmacKey: 'very-secret-hmac' });
});
afterAll(() => h.sim.stop());
beforeEach(() => h.sim.reset());

describe('health and config', () => {
	it('GET /__sim/health', async () => {
		const res = await h.control.get('/health');
		expect(res.status).toBe(200);
		expect(res.data).toMatchObject({ ok: true, profile: 'fast', tasks: 0, lastError: null });
	});

	it('GET /__sim/config returns the effective config without secret values', async () => {
		const res = await h.control.get('/config');
		expect(res.data).toMatchObject({
			profile: 'fast',
			renderMs: 20,
			apiKey: '(set)',
			hmacKey: '(set)',
			port: h.sim.port,
		});
		expect(JSON.stringify(res.data)).not.toContain(API_KEY);
		expect(JSON.stringify(res.data)).not.toContain('very-secret-hmac');
	});

	it('POST /__sim/config merges a partial (nested too) and returns the effective config', async () => {
		const res = await h.control.post('/config', {
			timeFormat: 'string',
			faults: { http500: { rate: 0.25 } },
		});
		expect(res.status).toBe(200);
		expect(res.data.timeFormat).toBe('string');
		expect(res.data.faults.http500).toEqual({ rate: 0.25, scope: 'reads' });
		expect(res.data.renderMs).toBe(20);
		expect(h.sim.config.faults.http500.rate).toBe(0.25);
	});

	it.each([
		[{ nope: 1 }, 'unknown setting nope'],
		[{ profile: 'slow' }, 'profile must be one of fast, realistic'],
		[{ renderMs: 'soon' }, 'renderMs must be a number or null'],
		[
			{ faults: { http500: { scope: 'writes' } } },
			'faults.http500.scope must be one of reads, creates, all',
		],
		[{ maintenance: 'yes' }, 'maintenance must be a boolean'],
	])('rejects bad settings %j', async (patch, error) => {
		const res = await h.control.post('/config', patch);
		expect(res.status).toBe(400);
		expect(res.data).toEqual({ error });
		expect(() => h.sim.configure(patch as any)).toThrow(error);
	});

	it('task ids are unique across resets (receivers de-duplicate by id)', async () => {
		const a = await generate(h.api);
		await h.control.post('/reset');
		const b = await generate(h.api);
		expect(b).not.toBe(a);
	});

	it('setting credits sets the balance', async () => {
		await h.control.post('/config', { credits: 77 });
		expect((await h.api.get('/api/v1/chat/credit')).data.data).toBe(77);
	});

	it('POST /__sim/reset clears tasks and counters, restores credits and startup config', async () => {
		await generate(h.api);
		await h.control.post('/config', { maintenance: true, credits: 5 });
		const res = await h.control.post('/reset');
		expect(res.status).toBe(200);
		expect(h.sim.tasks()).toHaveLength(0);
		expect(h.sim.config).toMatchObject({ maintenance: false, renderMs: 20 });
		const counters = (await h.control.get('/counters')).data;
		expect(counters).toMatchObject({
			tasksCreated: 0,
			credits: 10000,
			callbacksSent: 0,
			requests: {},
		});
	});
});

describe('counters and request log', () => {
	it('GET /__sim/counters counts tasks, rejections, requests by endpoint and credits', async () => {
		const id = await generate(h.api);
		await h.api.post('/api/v1/veo/generate', {});
		await waitDone(h.api, id);
		const c = (await h.control.get('/counters')).data;
		expect(c).toMatchObject({
			tasksCreated: 1,
			createsRejected: 1,
			credits: 9940,
			creditsSpent: 60,
		});
		expect(c.requests['POST /api/v1/veo/generate']).toBe(2);
		expect(c.requests['GET /api/v1/veo/record-info']).toBeGreaterThanOrEqual(1);
	});

	it('GET /__sim/requests logs method, path, time, status and body code — never the Authorization value', async () => {
		await h.api.get('/api/v1/chat/credit');
		await h.anon.get('/api/v1/chat/credit', {
			headers: { Authorization: 'Bearer leaked-key-value' },
		});
		await h.api.post('/api/v1/veo/generate', { prompt: 'x', model: 'bad' });
		const { requests } = (await h.control.get('/requests')).data;
		expect(requests).toEqual([
			{
				time: expect.any(String),
				method: 'GET',
				path: '/api/v1/chat/credit',
				endpoint: 'GET /api/v1/chat/credit',
				status: 200,
				code: 200,
			},
			{
				time: expect.any(String),
				method: 'GET',
				path: '/api/v1/chat/credit',
				endpoint: 'GET /api/v1/chat/credit',
				status: 200,
				code: 401,
			},
			{
				time: expect.any(String),
				method: 'POST',
				path: '/api/v1/veo/generate',
				endpoint: 'POST /api/v1/veo/generate',
				status: 200,
				code: 422,
			},
		]);
		const text = JSON.stringify(requests);
		expect(text).not.toContain('leaked-key-value');
		expect(text).not.toContain(API_KEY);
		expect((await h.control.get('/requests', { params: { limit: 1 } })).data.requests).toHaveLength(
			1,
		);
	});

	it('control calls themselves are not logged', async () => {
		await h.control.get('/health');
		expect((await h.control.get('/requests')).data.requests).toEqual([]);
	});
});

describe('tasks', () => {
	it('GET /__sim/tasks and /__sim/tasks/:id show the internal view with the current record', async () => {
		h.sim.configure({ renderMs: 10_000 });
		const id = await generate(h.api, { prompt: 'cat [fail]' });
		const list = (await h.control.get('/tasks')).data.tasks;
		expect(list).toHaveLength(1);
		const one = (await h.control.get(`/tasks/${id}`)).data;
		expect(one).toMatchObject({
			id,
			kind: 'generate',
			state: 'generating',
			plannedOutcome: 'fail',
			outcome: null,
			renderMs: 10_000,
		});
		expect(one.record).toMatchObject({ taskId: id, successFlag: 0 });
		expect((await h.control.get('/tasks/nope')).status).toBe(404);
	});

	it('POST /__sim/tasks/:id/complete forces completion now, optionally with an outcome', async () => {
		h.sim.configure({ renderMs: 10_000 });
		const a = await generate(h.api, { prompt: 'cat [fail]' });
		const b = await generate(h.api);
		expect((await h.control.post(`/tasks/${a}/complete`)).data).toMatchObject({
			completed: true,
			task: { state: 'failed' },
		});
		expect((await recordInfo(h.api, a)).data.successFlag).toBe(3);
		await h.control.post(`/tasks/${b}/complete`, { outcome: 'content-policy' });
		expect((await recordInfo(h.api, b)).data).toMatchObject({ successFlag: 2, errorCode: 400 });
		expect((await h.control.post(`/tasks/${b}/complete`, { outcome: 'success' })).status).toBe(409);
		expect((await h.control.post(`/tasks/${b}/complete`, { outcome: 'maybe' })).status).toBe(400);
	});

	it('complete on a finished task finishes its pending 1080p job', async () => {
		h.sim.configure({ hd1080Ms: 60_000 });
		const id = await generate(h.api);
		await waitDone(h.api, id);
		expect(
			(await h.api.get('/api/v1/veo/get-1080p-video', { params: { taskId: id } })).data.code,
		).toBe(400);
		expect((await h.control.post(`/tasks/${id}/complete`)).data.upgradesFinished).toBe(1);
		expect(
			(await h.api.get('/api/v1/veo/get-1080p-video', { params: { taskId: id } })).data.code,
		).toBe(200);
	});

	it('POST /__sim/tasks/:id/age validates days', async () => {
		const id = await generate(h.api);
		expect((await h.control.post(`/tasks/${id}/age`, { days: 'x' })).status).toBe(400);
		const res = await h.control.post(`/tasks/${id}/age`, { days: 1 });
		expect(res.data.task.createdAt).toBeLessThan(Date.now() - 86_000_000);
	});

	it('unknown control endpoints → 404', async () => {
		expect((await h.control.get('/nothing')).status).toBe(404);
	});
});

describe('in-process lifecycle', () => {
	it('port 0 picks a free port; url, uploadUrl and controlUrl match', async () => {
		const sim = await startSimulator();
		try {
			expect(sim.port).toBeGreaterThan(0);
			expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
			expect(sim.uploadUrl).toBe(`${sim.url}/upload`);
			expect(sim.controlUrl).toBe(`${sim.url}/__sim`);
			expect(sim.config.profile).toBe('fast');
			expect(sim.config.apiKey).toBe('sim-key');
			const res = await axios.get(`${sim.url}/api/v1/chat/credit`, {
				headers: { Authorization: 'Bearer sim-key' },
			});
			expect(res.data.code).toBe(200);
		} finally {
			await sim.stop();
		}
	});

	it('publicUrl is used for handed-out URLs', async () => {
		const sim = await startSimulator({ publicUrl: 'http://sim.docker.internal:9999', renderMs: 5 });
		try {
			const api = axios.create({ baseURL: sim.url, headers: { Authorization: 'Bearer sim-key' } });
			const id = (await api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'x' })).data
				.data.taskId;
			await waitFor(() => sim.task(id)?.state === 'success');
			const rec = (await api.get('/api/v1/veo/record-info', { params: { taskId: id } })).data.data;
			expect(rec.response.resultUrls[0]).toMatch(
				/^http:\/\/sim\.docker\.internal:9999\/files\/v\//,
			);
		} finally {
			await sim.stop();
		}
	});

	it('rejects unknown options at start', async () => {
		await expect(startSimulator({ profil: 'fast' } as any)).rejects.toThrow(
			'unknown setting profil',
		);
	});

	it('stop() aborts pending callbacks and timers and resolves promptly (idempotent)', async () => {
		const hanging = await startReceiver(() => null);
		const sim = await startSimulator({ renderMs: 5 });
		try {
			const api = axios.create({ baseURL: sim.url, headers: { Authorization: 'Bearer sim-key' } });
			await api.post('/api/v1/veo/generate', {
				model: 'veo3_fast',
				prompt: 'x',
				callBackUrl: hanging.url,
			});
			await api.post('/api/v1/veo/generate', {
				model: 'veo3_fast',
				prompt: 'y',
				callBackUrl: hanging.url,
			});
			await hanging.waitForCount(2);
			const t = Date.now();
			await sim.stop();
			await sim.stop();
			expect(Date.now() - t).toBeLessThan(500);
			expect(sim.counters().callbacksDelivered).toBe(0);
			await expect(axios.get(`${sim.url}/__sim/health`)).rejects.toBeDefined();
		} finally {
			await hanging.close();
		}
	});
});
