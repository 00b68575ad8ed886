/**
 * Seeded fault injection: HTTP 500s by scope, create500AfterCommit, slow responses, 429 bursts,
 * determinism across runs, and the outage switch (connection reset).
 */
import type { AxiosInstance } from 'axios';
import { generate, startHarness, waitDone, sleep, type Harness } from './helpers';

let h: Harness;
let doneId: string;
beforeAll(async () => {
	h = await startHarness({ renderMs: 10, rateLimit: { max: 1000 } });
});
afterAll(() => h.sim.stop());
beforeEach(async () => {
	h.sim.reset();
	doneId = await generate(h.api);
	await waitDone(h.api, doneId);
});

const READS = (api: AxiosInstance, id: string) => [
	() => api.get('/api/v1/veo/record-info', { params: { taskId: id } }),
	() => api.get('/api/v1/veo/get-1080p-video', { params: { taskId: id } }),
	() => api.get('/api/v1/chat/credit'),
	() => api.post('/api/v1/common/download-url', { url: `${h.sim.url}/files/v/${id}_0.mp4` }),
];
const CREATES = (api: AxiosInstance, id: string) => [
	() => api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'x' }),
	() => api.post('/api/v1/veo/extend', { taskId: id, prompt: 'x' }),
	() => api.post('/api/v1/veo/get-4k-video', { taskId: id }),
];
const UPLOADS = (api: AxiosInstance) => [
	() =>
		api.post('/upload/api/file-base64-upload', {
			base64Data: 'aGVsbG8=',
			uploadPath: 'x',
			fileName: 'a.txt',
		}),
];

const SERVER_ERROR = {
	code: 500,
	msg: 'Server Error - An unexpected error occurred while processing the request',
	data: null,
};

describe('HTTP 500 injection', () => {
	it('scope reads: every read gets HTTP 500, creates and uploads are untouched', async () => {
		h.sim.configure({ faults: { http500: { rate: 1, scope: 'reads' } } });
		for (const call of READS(h.api, doneId)) {
			const res = await call();
			expect(res.status).toBe(500);
			expect(res.data).toEqual(SERVER_ERROR);
		}
		for (const call of [...CREATES(h.api, doneId), ...UPLOADS(h.api)]) {
			const res = await call();
			expect(res.status).toBe(200);
			expect(res.data.code).toBe(200);
		}
		expect(h.sim.counters().faults.http500).toBe(4);
	});

	it('scope creates: a 500 on a create happens before commit — no task, no charge', async () => {
		h.sim.configure({ faults: { http500: { rate: 1, scope: 'creates' } } });
		const before = h.sim.counters();
		for (const call of CREATES(h.api, doneId)) expect((await call()).status).toBe(500);
		const after = h.sim.counters();
		expect(after.tasksCreated).toBe(before.tasksCreated);
		expect(after.credits).toBe(before.credits);
		expect(h.sim.task(doneId)!.fourK).toHaveLength(0);
		expect((await h.api.get('/api/v1/chat/credit')).status).toBe(200);
	});

	it('create500AfterCommit: the task is created and charged, but the client sees a 500', async () => {
		h.sim.configure({
			faults: { http500: { rate: 1, scope: 'creates' }, create500AfterCommit: true },
		});
		const before = h.sim.counters();
		const res = await h.api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'x' });
		expect(res.status).toBe(500);
		expect(res.data).toEqual(SERVER_ERROR);
		const after = h.sim.counters();
		expect(after.tasksCreated).toBe(before.tasksCreated + 1);
		expect(after.credits).toBe(before.credits - 60);
		expect(after.createsRejected).toBe(before.createsRejected);
	});

	it('createResetAfterCommitRate: the task is created and charged, but the connection is reset', async () => {
		h.sim.configure({ faults: { createResetAfterCommitRate: 1 } });
		const before = h.sim.counters();
		const error = await h.api
			.post('/api/v1/veo/generate', { prompt: 'reset after commit', model: 'veo3_fast' })
			.then(
				() => undefined,
				(e: { code?: string }) => e,
			);
		expect(error?.code).toBe('ECONNRESET');
		const after = h.sim.counters();
		expect(after.tasksCreated).toBe(before.tasksCreated + 1);
		expect(after.credits).toBe(before.credits - 60);
		expect(after.faults.createResets).toBe(before.faults.createResets + 1);
		h.sim.configure({ faults: { createResetAfterCommitRate: 0 } });
	});

	it('scope all includes uploads', async () => {
		h.sim.configure({ faults: { http500: { rate: 1, scope: 'all' } } });
		expect((await UPLOADS(h.api)[0]()).status).toBe(500);
	});

	it('a partial rate with a fixed seed hits the same requests on every run', async () => {
		const statuses = async () => {
			h.sim.reset();
			h.sim.configure({ faults: { seed: 7, http500: { rate: 0.5, scope: 'reads' } } });
			const out: number[] = [];
			for (let i = 0; i < 40; i++) out.push((await h.api.get('/api/v1/chat/credit')).status);
			return out;
		};
		const a = await statuses();
		const b = await statuses();
		expect(b).toEqual(a);
		expect(a.filter((s) => s === 500).length).toBeGreaterThan(5);
		expect(a.filter((s) => s === 200).length).toBeGreaterThan(5);
	});
});

describe('slow responses', () => {
	it('delays requests in scope by ms, others not', async () => {
		h.sim.configure({ faults: { slow: { rate: 1, ms: 250, scope: 'reads' } } });
		let t = Date.now();
		expect((await h.api.get('/api/v1/chat/credit')).data.code).toBe(200);
		expect(Date.now() - t).toBeGreaterThanOrEqual(240);
		t = Date.now();
		await h.api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'x' });
		expect(Date.now() - t).toBeLessThan(200);
		expect(h.sim.counters().faults.slow).toBe(1);
	});
});

describe('429 bursts', () => {
	it('a burst makes `length` consecutive in-scope calls answer 429, creating nothing', async () => {
		h.sim.configure({ faults: { seed: 3, burst429: { rate: 0.15, length: 3, scope: 'creates' } } });
		const before = h.sim.counters().tasksCreated;
		const codes: number[] = [];
		for (let i = 0; i < 60; i++)
			codes.push(
				(await h.api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: `p${i}` })).data
					.code,
			);
		// Reads are out of scope.
		expect((await h.api.get('/api/v1/chat/credit')).data.code).toBe(200);
		const runs = codes
			.join(',')
			.split(/,?200,?/)
			.filter(Boolean)
			.map((r) => r.split(',').length);
		expect(runs.length).toBeGreaterThan(0);
		// Every burst is at least 3 long (two bursts may be back to back); the last may be cut off.
		for (const run of runs.slice(0, codes[codes.length - 1] === 429 ? -1 : undefined))
			expect(run).toBeGreaterThanOrEqual(3);
		expect(h.sim.counters().tasksCreated - before).toBe(codes.filter((c) => c === 200).length);
		expect(h.sim.counters().faults.burst429).toBe(codes.filter((c) => c === 429).length);
	});
});

describe('outage', () => {
	it('destroys connections without a response for ms, control API stays up', async () => {
		const res = await h.control.post('/outage', { ms: 1500 });
		expect(res.status).toBe(200);
		await expect(h.api.get('/api/v1/chat/credit')).rejects.toMatchObject({
			code: expect.stringMatching(/ECONNRESET|ERR_SOCKET|EPIPE/),
		});
		await expect(h.anon.get(`/files/v/${doneId}_0.mp4`)).rejects.toBeDefined();
		expect((await h.control.get('/health')).data.ok).toBe(true);
		expect(h.sim.counters().faults.outageDrops).toBe(2);
		await sleep(1550);
		expect((await h.api.get('/api/v1/chat/credit')).data.code).toBe(200);
	});

	it('a create during an outage creates nothing', async () => {
		await h.control.post('/outage', { ms: 200 });
		const before = h.sim.counters().tasksCreated;
		await expect(
			h.api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'x' }),
		).rejects.toBeDefined();
		expect(h.sim.counters().tasksCreated).toBe(before);
	});
});
