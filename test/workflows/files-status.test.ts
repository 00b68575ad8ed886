/**
 * File → Upload, Video → Get Download Link and Account → Get Service Status through real workflows
 * against the simulator.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import {
	ENDPOINT,
	FAST_TUNING,
	fetchBytes,
	PNG_BASE64,
	runError,
	sleep,
	useSimulator,
	veo3Output,
} from './helpers';

const fx = useSimulator('sk-files-status-0e7a');
const png = { data: PNG_BASE64, mimeType: 'image/png', fileName: 'photo.png' };
const upload = (parameters: Record<string, unknown>) => ({
	resource: 'file',
	operation: 'upload',
	...FAST_TUNING,
	...parameters,
});

describe('File → Upload', () => {
	let origin: Server;
	let originUrl: string;
	beforeAll(async () => {
		origin = createServer((_req, res) => {
			res.writeHead(200, { 'content-type': 'image/png' });
			res.end(Buffer.from(PNG_BASE64, 'base64'));
		});
		await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
		originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/photo.png`;
	});
	afterAll(async () => await new Promise<void>((resolve) => origin.close(() => resolve())));

	it("a binary field: kie's temporary URL, serving the same bytes, valid 24 hours", async () => {
		const [item] = veo3Output(
			await fx.run(
				[{ binary: { data: png } }],
				upload({
					uploadSource: 'binary',
					binaryPropertyName: 'data',
					options: { uploadPath: 'shop/products' },
				}),
			),
		);
		expect(item.json).toMatchObject({
			fileName: 'photo.png',
			fileSize: Buffer.from(PNG_BASE64, 'base64').length,
			mimeType: 'image/png',
			filePath: expect.stringMatching(/shop\/products\/photo\.png$/),
		});
		expect(
			(await fetchBytes(String(item.json.fileUrl))).equals(Buffer.from(PNG_BASE64, 'base64')),
		).toBe(true);
		const lifetime =
			Date.parse(String(item.json.expiresAt)) - Date.parse(String(item.json.uploadedAt));
		expect(lifetime).toBe(24 * 3600 * 1000);
		expect(fx.apiRequests(ENDPOINT.streamUpload)).toHaveLength(1);
	});

	it('a public URL: kie fetches it', async () => {
		const [item] = veo3Output(
			await fx.run(
				[{}],
				upload({ uploadSource: 'url', fileUrl: originUrl, options: { fileName: 'copy.png' } }),
			),
		);
		expect(item.json).toMatchObject({ fileName: 'copy.png', mimeType: 'image/png' });
		expect(
			(await fetchBytes(String(item.json.fileUrl))).equals(Buffer.from(PNG_BASE64, 'base64')),
		).toBe(true);
		expect(fx.apiRequests('POST /upload/api/file-url-upload')).toHaveLength(1);
	});

	it.each([['/shop'], ['shop/'], ['a//b']])(
		'a folder %p is refused before anything is sent',
		async (uploadPath) => {
			const error = runError(
				await fx.run(
					[{ binary: { data: png } }],
					upload({ uploadSource: 'binary', options: { uploadPath } }),
				),
			);
			expect(error.message).toMatch(/Folder/);
			expect(fx.apiRequests()).toHaveLength(0);
		},
	);

	it('a missing binary field names the fields the item has', async () => {
		const error = runError(
			await fx.run(
				[{ binary: { other: png } }],
				upload({ uploadSource: 'binary', binaryPropertyName: 'data' }),
			),
		);
		expect(error.message).toMatch(/no binary field "data"/);
		expect(error.description).toMatch(/other/);
	});
});

describe('Video → Get Download Link', () => {
	it("a result URL gives kie's 20-minute link, which serves the video", async () => {
		const taskId = await fx.finishedTask();
		const videoUrl = `${fx.sim.url}/files/v/${taskId}_0.mp4`;
		const [item] = veo3Output(
			await fx.run([{}], {
				resource: 'video',
				operation: 'getDownloadLink',
				videoUrl,
				...FAST_TUNING,
			}),
		);
		expect(item.json).toMatchObject({
			videoUrl,
			downloadUrl: expect.stringMatching(/\/files\/dl\//),
		});
		expect(Date.parse(String(item.json.expiresAt)) - Date.now()).toBeGreaterThan(19 * 60 * 1000);
		expect((await fetchBytes(String(item.json.downloadUrl))).length).toBeGreaterThan(1000);
	});

	it("a URL kie did not make is kie's 422 for that item", async () => {
		const error = runError(
			await fx.run([{}], {
				resource: 'video',
				operation: 'getDownloadLink',
				videoUrl: 'https://example.com/a.mp4',
				...FAST_TUNING,
			}),
		);
		expect(error.message).toMatch(/422/);
	});
});

describe('Account → Get Service Status', () => {
	const status = async (items: Array<Record<string, never>> = [{}]) =>
		veo3Output(
			await fx.run(items, { resource: 'account', operation: 'getServiceStatus', ...FAST_TUNING }),
		);

	it('normal when Veo tasks succeed at kie; one request for the whole batch', async () => {
		await fx.finishedTask();
		const out = await status([{}, {}, {}]);
		expect(out).toHaveLength(3);
		expect(out[0].json).toMatchObject({
			model: 'veo-3-1',
			status: 'normal',
			successRatePercent: 100,
			message: expect.stringMatching(/normally/),
		});
		expect(fx.apiRequests('GET /api/v1/models/{model}/success-rate')).toHaveLength(1);
	});

	it("degraded when kie's success rate of the last hour is low, in either unit", async () => {
		fx.sim.configure({ successRateOverride: 0.3 });
		expect((await status())[0].json).toMatchObject({
			status: 'degraded',
			successRatePercent: 30,
			message: expect.stringMatching(/kie\.ai's side/),
		});
		fx.sim.configure({ successRateScale: 'fraction' });
		await sleep(1100); // kie allows one catalog call per second
		expect((await status())[0].json).toMatchObject({ status: 'degraded', successRatePercent: 30 });
	});

	it('unknown without traffic', async () => {
		expect((await status())[0].json).toMatchObject({ status: 'unknown', successRatePercent: null });
	});
});
