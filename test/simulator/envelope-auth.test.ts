/**
 * Conventions (docs/kie-api.md#conventions): envelope, content type, HTTP 200 for business errors, Bearer auth (401 in the
 * body), 455 maintenance on every API endpoint, unknown paths.
 */
import { startHarness, type Harness } from './helpers';

/** Every API + upload endpoint with a request that would otherwise be valid enough to reach the handler. */
const ENDPOINTS: Array<{ method: 'get' | 'post'; path: string; upload?: boolean }> = [
	{ method: 'post', path: '/api/v1/veo/generate' },
	{ method: 'get', path: '/api/v1/veo/record-info?taskId=x' },
	{ method: 'get', path: '/api/v1/veo/get-1080p-video?taskId=x' },
	{ method: 'post', path: '/api/v1/veo/get-4k-video' },
	{ method: 'post', path: '/api/v1/veo/extend' },
	{ method: 'get', path: '/api/v1/chat/credit' },
	{ method: 'post', path: '/api/v1/common/download-url' },
	{ method: 'post', path: '/upload/api/file-stream-upload' },
	{ method: 'post', path: '/upload/api/file-url-upload' },
	{ method: 'post', path: '/upload/api/file-base64-upload' },
];

let h: Harness;
beforeAll(async () => {
	h = await startHarness();
});
afterAll(() => h.sim.stop());
beforeEach(() => h.sim.reset());

describe('envelope', () => {
	it('answers {code,msg,data} with application/json;charset=UTF-8', async () => {
		const res = await h.api.get('/api/v1/chat/credit');
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
		expect(res.data).toEqual({ code: 200, msg: 'success', data: 10000 });
	});

	it('sends business errors with HTTP 200 and the real code in the body', async () => {
		const res = await h.api.get('/api/v1/veo/record-info', { params: { taskId: 'nope' } });
		expect(res.status).toBe(200);
		expect(res.data).toEqual({ code: 422, msg: 'record is null.', data: null });
	});

	it('answers unknown API paths with a 404 envelope', async () => {
		const res = await h.api.get('/api/v1/veo/does-not-exist');
		expect(res.status).toBe(404);
		expect(res.data.code).toBe(404);
	});

	it('rejects the wrong method (1080p is GET, 4K is POST)', async () => {
		expect((await h.api.post('/api/v1/veo/get-1080p-video', {})).status).toBe(405);
		expect((await h.api.get('/api/v1/veo/get-4k-video')).status).toBe(405);
	});
});

describe('auth', () => {
	it.each(ENDPOINTS)(
		'$method $path without a key → HTTP 200, code 401',
		async ({ method, path }) => {
			const res = await h.anon.request({
				method,
				url: path,
				data: method === 'post' ? {} : undefined,
			});
			expect(res.status).toBe(200);
			expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
			expect(res.data).toEqual({
				code: 401,
				msg: 'You do not have access permissions',
				data: null,
			});
		},
	);

	it('rejects a wrong key and a non-Bearer scheme', async () => {
		const wrong = await h.anon.get('/api/v1/chat/credit', {
			headers: { Authorization: 'Bearer not-the-key' },
		});
		expect(wrong.data.code).toBe(401);
		const basic = await h.anon.get('/api/v1/chat/credit', {
			headers: { Authorization: `Basic test-api-key` },
		});
		expect(basic.data.code).toBe(401);
	});

	it('accepts the scheme case-insensitively', async () => {
		const res = await h.anon.get('/api/v1/chat/credit', {
			headers: { Authorization: 'bearer test-api-key' },
		});
		expect(res.data.code).toBe(200);
	});

	it('an unauthorized create creates nothing and charges nothing', async () => {
		await h.anon.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'x' });
		expect(h.sim.tasks()).toHaveLength(0);
		expect(h.sim.counters().credits).toBe(10000);
		expect(h.sim.counters().createsRejected).toBe(1);
	});

	it('files are public (no auth), like kie file hosts', async () => {
		const res = await h.anon.get('/files/large/1000.mp4');
		expect(res.status).toBe(200);
	});
});

describe('maintenance (455)', () => {
	it.each(ENDPOINTS)('$method $path → code 455', async ({ method, path }) => {
		h.sim.configure({ maintenance: true });
		const res = await h.api.request({
			method,
			url: path,
			data: method === 'post' ? {} : undefined,
		});
		expect(res.status).toBe(200);
		expect(res.data).toEqual({
			code: 455,
			msg: 'Service Unavailable - System is currently undergoing maintenance',
			data: null,
		});
	});

	it('applies before auth and ends when switched off', async () => {
		h.sim.configure({ maintenance: true });
		expect((await h.anon.get('/api/v1/chat/credit')).data.code).toBe(455);
		h.sim.configure({ maintenance: false });
		expect((await h.api.get('/api/v1/chat/credit')).data.code).toBe(200);
	});

	it('does not create tasks while in maintenance', async () => {
		h.sim.configure({ maintenance: true });
		await h.api.post('/api/v1/veo/generate', { model: 'veo3_fast', prompt: 'x' });
		expect(h.sim.tasks()).toHaveLength(0);
	});
});
