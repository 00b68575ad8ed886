/**
 * Served files: real MP4 result bytes chosen by aspect ratio, headers, Range/HEAD, the large
 * generated stream (bounded memory, backpressure), largeResultBytes, and download-url (docs/kie-api.md#download-url).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { generate, startHarness, waitDone, sleep, type Harness } from './helpers';

const FIXTURES = path.join(__dirname, '../../simulator/fixtures');

let h: Harness;
beforeAll(async () => {
	h = await startHarness({ renderMs: 10 });
});
afterAll(() => h.sim.stop());
beforeEach(() => h.sim.reset());

async function resultUrl(body: Record<string, unknown> = {}): Promise<string> {
	const data = await waitDone(h.api, await generate(h.api, body));
	return data.response.resultUrls[0];
}

const getBytes = (url: string, headers: Record<string, string> = {}) =>
	h.anon
		.get(url, { responseType: 'arraybuffer', headers })
		.then((r) => ({ ...r, bytes: Buffer.from(r.data) }));

describe('result files', () => {
	it.each([
		['16:9', 'sample-16x9.mp4'],
		['9:16', 'sample-9x16.mp4'],
		['Auto', 'sample-16x9.mp4'],
	])(
		'%s result is the real %s: ftyp at offset 4, video/mp4, exact Content-Length',
		async (ratio, fixture) => {
			const res = await getBytes(await resultUrl({ aspect_ratio: ratio }));
			expect(res.status).toBe(200);
			expect(res.headers['content-type']).toBe('video/mp4');
			expect(res.headers['accept-ranges']).toBe('bytes');
			expect(Number(res.headers['content-length'])).toBe(res.bytes.length);
			expect(res.bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
			expect(res.bytes.equals(readFileSync(path.join(FIXTURES, fixture)))).toBe(true);
		},
	);

	it('committed fixtures are small real MP4s', () => {
		for (const f of ['sample-16x9.mp4', 'sample-9x16.mp4']) {
			const buf = readFileSync(path.join(FIXTURES, f));
			expect(buf.length).toBeLessThan(60 * 1024);
			expect(buf.subarray(4, 8).toString('latin1')).toBe('ftyp');
			expect(buf.includes(Buffer.from('moov'))).toBe(true);
		}
	});

	it('supports Range (206 + Content-Range) and HEAD', async () => {
		const url = await resultUrl();
		const part = await getBytes(url, { Range: 'bytes=4-7' });
		expect(part.status).toBe(206);
		expect(part.bytes.toString('latin1')).toBe('ftyp');
		expect(part.headers['content-range']).toMatch(/^bytes 4-7\/\d+$/);
		const head = await h.anon.head(url);
		expect(head.status).toBe(200);
		expect(Number(head.headers['content-length'])).toBeGreaterThan(1000);
		const bad = await getBytes(url, { Range: 'bytes=99999999-' });
		expect(bad.status).toBe(416);
	});

	it('404 for unknown tasks, unfinished tasks, failed tasks, variants not produced', async () => {
		expect((await h.anon.get(`/files/v/${'a'.repeat(32)}_0.mp4`)).status).toBe(404);
		h.sim.configure({ renderMs: 5000 });
		const generating = await generate(h.api);
		expect((await h.anon.get(`/files/v/${generating}_0.mp4`)).status).toBe(404);
		h.sim.configure({ renderMs: 10 });
		const failed = await generate(h.api, { prompt: 'x [fail]' });
		await waitDone(h.api, failed);
		expect((await h.anon.get(`/files/v/${failed}_0.mp4`)).status).toBe(404);
		const ok = (await resultUrl()).replace(/\.mp4$/, '');
		for (const v of ['_1080p', '_4k', '_origin', '_full'])
			expect((await h.anon.get(`${ok}${v}.mp4`)).status).toBe(404);
		expect((await h.anon.get(ok.replace(/_0$/, '_1') + '.mp4')).status).toBe(404);
	});

	it('expires with the record (14-day retention)', async () => {
		const url = await resultUrl();
		const id = /([0-9a-f]{32})_0\.mp4$/.exec(url)![1];
		await h.control.post(`/tasks/${id}/age`, { days: 15 });
		expect((await h.anon.get(url)).status).toBe(404);
	});
});

describe('large generated stream', () => {
	it('serves any requested size with a valid header box', async () => {
		const res = await getBytes('/files/large/100000.mp4');
		expect(res.status).toBe(200);
		expect(res.bytes).toHaveLength(100000);
		expect(res.headers['content-length']).toBe('100000');
		expect(res.bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
		// mdat box covering the rest of the file
		expect(res.bytes.readUInt32BE(32)).toBe(100000 - 32);
		expect(res.bytes.subarray(36, 40).toString('latin1')).toBe('mdat');
		// ranges are consistent with the full body
		const part = await getBytes('/files/large/100000.mp4', { Range: 'bytes=70000-70015' });
		expect(part.bytes.equals(res.bytes.subarray(70000, 70016))).toBe(true);
	});

	it('rejects sizes below the header', async () => {
		expect((await h.anon.get('/files/large/10.mp4')).status).toBe(404);
	});

	it('streams 50 MB with bounded memory and honours backpressure', async () => {
		const SIZE = 50 * 1024 * 1024;
		const mem = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
		const base = mem();
		const res = await h.anon.get<Readable>(`/files/large/${SIZE}.mp4`, { responseType: 'stream' });
		expect(res.headers['content-length']).toBe(String(SIZE));
		const stream = res.data;
		let received = 0;
		let first: Buffer | null = null;
		let peak = 0;
		// Read a little, then stop reading: the server must stop producing too.
		await new Promise<void>((resolve) => {
			stream.once('data', (c: Buffer) => {
				first = c;
				received += c.length;
				stream.pause();
				resolve();
			});
		});
		await sleep(200);
		const producedWhilePaused = h.sim.counters().fileBytesServed;
		expect(producedWhilePaused).toBeLessThan(16 * 1024 * 1024);
		await new Promise<void>((resolve, reject) => {
			stream.on('data', (c: Buffer) => {
				received += c.length;
				if (received % (4 * 1024 * 1024) < c.length) peak = Math.max(peak, mem() - base);
			});
			stream.on('end', resolve);
			stream.on('error', reject);
			stream.resume();
		});
		expect(received).toBe(SIZE);
		expect(first!.subarray(4, 8).toString('latin1')).toBe('ftyp');
		expect(h.sim.counters().fileBytesServed).toBe(SIZE);
		expect(peak).toBeLessThan(40 * 1024 * 1024);
	});

	it('largeResultBytes makes task results large streams', async () => {
		h.sim.configure({ largeResultBytes: 3_000_000 });
		const res = await h.anon.head(await resultUrl());
		expect(res.headers['content-length']).toBe('3000000');
		expect(res.headers['content-type']).toBe('video/mp4');
	});
});

describe('download-url (docs/kie-api.md#download-url)', () => {
	const downloadUrl = (url: unknown) =>
		h.api.post('/api/v1/common/download-url', { url }).then((r) => r.data);

	it('returns a string URL for a simulator file, serving the same bytes', async () => {
		const url = await resultUrl();
		const res = await downloadUrl(url);
		expect(res).toEqual({
			code: 200,
			msg: 'success',
			data: expect.stringMatching(
				/^http:\/\/127\.0\.0\.1:\d+\/files\/dl\/[0-9a-f]+\/[0-9a-f]{32}_0\.mp4$/,
			),
		});
		const direct = await getBytes(url);
		const viaLink = await getBytes(res.data);
		expect(viaLink.bytes.equals(direct.bytes)).toBe(true);
	});

	it('accepts localhost spelling of its own URLs', async () => {
		const url = (await resultUrl()).replace('127.0.0.1', 'localhost');
		expect((await downloadUrl(url)).code).toBe(200);
	});

	it.each([
		['a foreign URL', 'https://example.com/video.mp4'],
		['not a URL', 'video.mp4'],
	])('rejects %s → 422 "url is wrong" (HTTP 200)', async (_n, url) => {
		const res = await h.api.post('/api/v1/common/download-url', { url });
		expect(res.status).toBe(200);
		expect(res.data).toEqual({ code: 422, msg: 'url is wrong', data: null });
	});

	it('rejects own URLs that do not exist, and missing url', async () => {
		expect((await downloadUrl(`${h.sim.url}/files/v/${'b'.repeat(32)}_0.mp4`)).msg).toBe(
			'url is wrong',
		);
		expect(await downloadUrl(undefined)).toEqual({ code: 422, msg: 'url is required', data: null });
	});

	it('links expire (20 min by default; configurable) → 404', async () => {
		expect(h.sim.config.downloadUrlTtlMs).toBe(20 * 60 * 1000);
		h.sim.configure({ downloadUrlTtlMs: 300 });
		const link = (await downloadUrl(await resultUrl())).data;
		expect((await h.anon.get(link)).status).toBe(200);
		await sleep(350);
		expect((await h.anon.get(link)).status).toBe(404);
	});
});
