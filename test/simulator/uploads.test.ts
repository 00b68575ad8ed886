/**
 * File Upload API (docs/kie-api.md#uploads) under `<base>/upload`: stream (multipart), URL and base64 uploads answer
 * the recorded-live shape, and the downloadUrl then serves the same bytes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startHarness, type Harness } from './helpers';

const MP4 = readFileSync(path.join(__dirname, '../../simulator/fixtures/sample-16x9.mp4'));
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
	'base64',
);

let h: Harness;
let origin: http.Server;
let originUrl: string;
beforeAll(async () => {
	h = await startHarness();
	// A tiny remote host for file-url-upload.
	origin = http.createServer((req, res) => {
		if (req.url === '/clip.mp4') {
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': MP4.length });
			res.end(MP4);
		} else if (req.url === '/moved') {
			res.writeHead(302, { location: '/clip.mp4' });
			res.end();
		} else if (req.url === '/slow') {
			const t = setTimeout(() => res.end('late'), 1000);
			res.on('close', () => clearTimeout(t));
		} else {
			res.writeHead(404);
			res.end();
		}
	});
	await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
	originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await h.sim.stop();
	await new Promise<void>((r) => {
		origin.close(() => r());
		origin.closeAllConnections();
	});
});
beforeEach(() => h.sim.reset());

function expectUploadShape(
	body: any,
	expected: { fileName?: string; fileSize: number; mimeType: string; uploadPath: string },
) {
	expect(body).toEqual({
		success: true,
		code: 200,
		msg: 'File uploaded successfully',
		data: {
			success: true,
			fileName: expected.fileName ?? expect.any(String),
			filePath: expect.stringMatching(new RegExp(`^kieai/\\d+/${expected.uploadPath}/[^/]+$`)),
			downloadUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/kieai\//),
			fileSize: expected.fileSize,
			mimeType: expected.mimeType,
			uploadedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
		},
	});
	expect(body.data.filePath.endsWith(`/${body.data.fileName}`)).toBe(true);
}

async function download(url: string): Promise<{ bytes: Buffer; type: string }> {
	const res = await h.anon.get(url, { responseType: 'arraybuffer' });
	expect(res.status).toBe(200);
	return { bytes: Buffer.from(res.data), type: res.headers['content-type'] as string };
}

function multipart(
	parts: Array<{ name: string; value: Buffer | string; filename?: string; type?: string }>,
) {
	const boundary = '----simtest' + 'x'.repeat(10);
	const chunks: Buffer[] = [];
	for (const p of parts) {
		let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
		if (p.filename) head += `; filename="${p.filename}"`;
		head += '\r\n';
		if (p.type) head += `Content-Type: ${p.type}\r\n`;
		chunks.push(Buffer.from(head + '\r\n'), Buffer.from(p.value), Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('file-stream-upload (multipart)', () => {
	it('stores the file and serves the same bytes at downloadUrl (FormData client)', async () => {
		const form = new FormData();
		form.append('file', new Blob([MP4], { type: 'video/mp4' }), 'clip.mp4');
		form.append('uploadPath', 'videos/in');
		form.append('fileName', 'my clip.mp4');
		const res = await h.upload.post('/api/file-stream-upload', form);
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
		expectUploadShape(res.data, {
			fileName: 'my clip.mp4',
			fileSize: MP4.length,
			mimeType: 'video/mp4',
			uploadPath: 'videos/in',
		});
		const got = await download(res.data.data.downloadUrl);
		expect(got.bytes.equals(MP4)).toBe(true);
		expect(got.type).toBe('video/mp4');
	});

	it('picks a random name (keeping the extension) when fileName is absent', async () => {
		const mp = multipart([
			{ name: 'uploadPath', value: 'images' },
			{ name: 'file', value: PNG, filename: 'pixel.png', type: 'image/png' },
		]);
		const res = await h.upload.post('/api/file-stream-upload', mp.body, {
			headers: { 'content-type': mp.contentType },
		});
		expectUploadShape(res.data, {
			fileSize: PNG.length,
			mimeType: 'image/png',
			uploadPath: 'images',
		});
		expect(res.data.data.fileName).toMatch(/^[0-9a-f]{16}\.png$/);
		expect((await download(res.data.data.downloadUrl)).bytes.equals(PNG)).toBe(true);
	});

	it('guesses the mime type from the name when the part has none', async () => {
		const mp = multipart([
			{ name: 'file', value: PNG, filename: 'a.png' },
			{ name: 'uploadPath', value: 'x' },
		]);
		const res = await h.upload.post('/api/file-stream-upload', mp.body, {
			headers: { 'content-type': mp.contentType },
		});
		expect(res.data.data.mimeType).toBe('image/png');
	});

	it.each([
		['missing file', [{ name: 'uploadPath', value: 'x' }], 'file is required'],
		[
			'missing uploadPath',
			[{ name: 'file', value: PNG, filename: 'a.png' }],
			'uploadPath is required',
		],
		[
			'path traversal',
			[
				{ name: 'file', value: PNG, filename: 'a.png' },
				{ name: 'uploadPath', value: '../etc' },
			],
			'uploadPath must be a relative path without "." or ".." segments',
		],
	])('%s → code 400', async (_n, parts, msg) => {
		const mp = multipart(parts);
		const res = await h.upload.post('/api/file-stream-upload', mp.body, {
			headers: { 'content-type': mp.contentType },
		});
		expect(res.status).toBe(200);
		expect(res.data).toEqual({ success: false, code: 400, msg, data: null });
	});

	it('rejects a non-multipart body', async () => {
		const res = await h.upload.post('/api/file-stream-upload', { file: 'x' });
		expect(res.data.code).toBe(400);
		expect(res.data.msg).toMatch(/multipart/);
	});

	it('rejects files over maxUploadBytes', async () => {
		h.sim.configure({ maxUploadBytes: 10 });
		const mp = multipart([
			{ name: 'file', value: PNG, filename: 'a.png' },
			{ name: 'uploadPath', value: 'x' },
		]);
		const res = await h.upload.post('/api/file-stream-upload', mp.body, {
			headers: { 'content-type': mp.contentType },
		});
		expect(res.data.code).toBe(400);
	});
});

describe('file-url-upload', () => {
	it('downloads the URL and serves the same bytes', async () => {
		const res = await h.upload.post('/api/file-url-upload', {
			fileUrl: `${originUrl}/clip.mp4`,
			uploadPath: 'remote',
		});
		expectUploadShape(res.data, {
			fileSize: MP4.length,
			mimeType: 'video/mp4',
			uploadPath: 'remote',
		});
		expect(res.data.data.fileName).toMatch(/^[0-9a-f]{16}\.mp4$/);
		expect((await download(res.data.data.downloadUrl)).bytes.equals(MP4)).toBe(true);
	});

	it('follows redirects and honours fileName', async () => {
		const res = await h.upload.post('/api/file-url-upload', {
			fileUrl: `${originUrl}/moved`,
			uploadPath: 'remote',
			fileName: 'named.mp4',
		});
		expectUploadShape(res.data, {
			fileName: 'named.mp4',
			fileSize: MP4.length,
			mimeType: 'video/mp4',
			uploadPath: 'remote',
		});
	});

	it.each([
		[{ uploadPath: 'x' }, 'fileUrl is required'],
		[{ fileUrl: 'file:///etc/passwd', uploadPath: 'x' }, 'fileUrl must be an http(s) URL'],
		[{ fileUrl: 'http://127.0.0.1:1/a.png' }, 'uploadPath is required'],
	])('%j → code 400 %s', async (body, msg) => {
		expect((await h.upload.post('/api/file-url-upload', body)).data).toEqual({
			success: false,
			code: 400,
			msg,
			data: null,
		});
	});

	it('reports remote failures (404) with code 400', async () => {
		const res = await h.upload.post('/api/file-url-upload', {
			fileUrl: `${originUrl}/missing`,
			uploadPath: 'x',
		});
		expect(res.data).toMatchObject({
			success: false,
			code: 400,
			msg: 'failed to download fileUrl: remote server answered HTTP 404',
		});
	});

	it('times out slow remotes (30 s by default, configurable)', async () => {
		expect(h.sim.config.urlUploadTimeoutMs).toBe(30_000);
		h.sim.configure({ urlUploadTimeoutMs: 100 });
		const t = Date.now();
		const res = await h.upload.post('/api/file-url-upload', {
			fileUrl: `${originUrl}/slow`,
			uploadPath: 'x',
		});
		expect(res.data.code).toBe(400);
		expect(res.data.msg).toMatch(/timed out after 100 ms/);
		expect(Date.now() - t).toBeLessThan(900);
	});
});

describe('file-base64-upload', () => {
	it('accepts plain base64 with mimeType', async () => {
		const res = await h.upload.post('/api/file-base64-upload', {
			base64Data: PNG.toString('base64'),
			uploadPath: 'b64',
			fileName: 'pixel.png',
			mimeType: 'image/png',
		});
		expectUploadShape(res.data, {
			fileName: 'pixel.png',
			fileSize: PNG.length,
			mimeType: 'image/png',
			uploadPath: 'b64',
		});
		const got = await download(res.data.data.downloadUrl);
		expect(got.bytes.equals(PNG)).toBe(true);
		expect(got.type).toBe('image/png');
	});

	it('accepts a data: URL and takes the mime type from it', async () => {
		const res = await h.upload.post('/api/file-base64-upload', {
			base64Data: `data:text/plain;base64,${Buffer.from('hello world').toString('base64')}`,
			uploadPath: 'documents/test-uploads',
			fileName: 'test.txt',
		});
		// The recorded-live example (docs/kie-api.md#uploads): 11 bytes, text/plain.
		expectUploadShape(res.data, {
			fileName: 'test.txt',
			fileSize: 11,
			mimeType: 'text/plain',
			uploadPath: 'documents/test-uploads',
		});
		expect((await download(res.data.data.downloadUrl)).bytes.toString()).toBe('hello world');
	});

	it('overwrites a file uploaded under the same name', async () => {
		const up = (text: string) =>
			h.upload.post('/api/file-base64-upload', {
				base64Data: Buffer.from(text).toString('base64'),
				uploadPath: 'x',
				fileName: 'same.txt',
			});
		const a = await up('first');
		await up('second');
		expect((await download(a.data.data.downloadUrl)).bytes.toString()).toBe('second');
	});

	it.each([
		[{ uploadPath: 'x' }, 'base64Data is required'],
		[{ base64Data: '***', uploadPath: 'x' }, 'base64Data is not valid base64'],
		[{ base64Data: 'aGk=' }, 'uploadPath is required'],
		[
			{ base64Data: 'aGk=', uploadPath: 'x', fileName: 'a/b.txt' },
			'fileName must not contain path separators',
		],
	])('%j → code 400 %s', async (body, msg) => {
		expect((await h.upload.post('/api/file-base64-upload', body)).data).toEqual({
			success: false,
			code: 400,
			msg,
			data: null,
		});
	});

	it('uploads are free', async () => {
		await h.upload.post('/api/file-base64-upload', { base64Data: 'aGk=', uploadPath: 'x' });
		expect(h.sim.counters().credits).toBe(10000);
	});
});
