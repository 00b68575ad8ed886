/**
 * Image modes: images from a binary field of the input item (uploaded through kie's upload API
 * first) and from public URLs, with the per-mode image counts and model limits.
 */
import {
	ENDPOINT,
	FAST_TUNING,
	FAST_WAIT,
	fetchBytes,
	PNG_BASE64,
	runError,
	useSimulator,
	veo3Output,
} from './helpers';

const fx = useSimulator('sk-images-0b7f31');

const png = { data: PNG_BASE64, mimeType: 'image/png', fileName: 'photo.png' };
const generate = (extra: Record<string, unknown>) => ({
	resource: 'video',
	operation: 'generate',
	prompt: 'the picture comes alive',
	waitMode: 'none',
	options: FAST_WAIT,
	...FAST_TUNING,
	...extra,
});

/** What the simulator received for the task: its echo of the submitted parameters. */
function submitted(taskId: unknown): Record<string, unknown> {
	const task = fx.sim.task(String(taskId));
	if (!task) throw new Error(`no task ${String(taskId)}`);
	return JSON.parse(String(task.record.paramJson)) as Record<string, unknown>;
}

describe("images from the input item's binary field", () => {
	it('uploads the PNG through the upload API, then generates with the uploaded URL', async () => {
		const run = await fx.run(
			[{ binary: { data: png } }],
			generate({
				mode: 'image',
				imageSource: 'binary',
				binaryPropertyNames: 'data',
				waitMode: 'poll',
				downloadVideo: false,
			}),
		);
		const [item] = veo3Output(run);

		const uploads = fx.apiRequests(ENDPOINT.streamUpload);
		expect(uploads).toHaveLength(1);
		expect(uploads[0].code).toBe(200);
		const order = fx.apiRequests().map((r) => r.endpoint);
		expect(order.indexOf(ENDPOINT.streamUpload)).toBeLessThan(order.indexOf(ENDPOINT.generate));

		const params = submitted(item.json.taskId);
		expect(params.imageUrls).toEqual([expect.stringContaining(`${fx.sim.url}/files/kieai/`)]);
		expect(params.generationType).toBe('FIRST_AND_LAST_FRAMES_2_VIDEO');
		expect(item.json.imageUrls).toEqual(params.imageUrls);
		// The uploaded file is byte for byte the image the item carried.
		const uploaded = await fetchBytes((params.imageUrls as string[])[0]);
		expect(uploaded.equals(Buffer.from(PNG_BASE64, 'base64'))).toBe(true);
		expect(item.json.status).toBe('success');
	});

	it('first and last frames from two binary fields, in the order given', async () => {
		const first = { ...png, fileName: 'first.png' };
		const last = {
			data: Buffer.from('not really a jpeg but an image by type').toString('base64'),
			mimeType: 'image/jpeg',
			fileName: 'last.jpg',
		};
		const run = await fx.run(
			[{ binary: { last, first } }],
			generate({ mode: 'firstAndLast', imageSource: 'binary', binaryPropertyNames: 'first, last' }),
		);
		const [item] = veo3Output(run);
		const urls = submitted(item.json.taskId).imageUrls as string[];
		expect(urls).toHaveLength(2);
		expect((await fetchBytes(urls[0])).equals(Buffer.from(first.data, 'base64'))).toBe(true);
		expect((await fetchBytes(urls[1])).equals(Buffer.from(last.data, 'base64'))).toBe(true);
	});

	it.each([
		[
			'a non-image binary',
			{
				data: {
					data: Buffer.from('%PDF-1.4').toString('base64'),
					mimeType: 'application/pdf',
					fileName: 'doc.pdf',
				},
			},
			/not an image/,
			/image/,
		],
		['a missing binary field', { other: png }, /no binary field "data"/, /other/],
		['no binary data at all', undefined, /no binary field "data"/, /has none/],
	])('%s is a parameter error and nothing is sent', async (_label, binary, problem, allowed) => {
		const run = await fx.run(
			[binary ? { binary } : { json: 1 }],
			generate({ mode: 'image', imageSource: 'binary', binaryPropertyNames: 'data' }),
		);
		const error = runError(run);
		expect(error.message).toContain('"Input Binary Field"');
		expect(error.message).toMatch(problem);
		expect(error.description).toMatch(allowed);
		expect(fx.sim.requests()).toEqual([]);
	});
});

describe('images by URL', () => {
	const url = (n: number) => `https://images.example.com/frame-${n}.png`;

	it('Image to Video: one URL', async () => {
		const [item] = veo3Output(
			await fx.run([{}], generate({ mode: 'image', imageSource: 'url', imageUrls: url(1) })),
		);
		expect(submitted(item.json.taskId)).toMatchObject({
			imageUrls: [url(1)],
			generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
		});
	});

	const CDN_1 = 'https://ik.imagekit.io/demo/tr:w_300,h_200/first.png';
	const CDN_2 = 'https://res.cloudinary.com/demo/image/upload/c_fill,w_300,h_200/last.png';

	it('an image CDN URL with commas in it (ImageKit, Cloudinary) stays one image when typed as text', async () => {
		const [item] = veo3Output(
			await fx.run([{}], generate({ mode: 'image', imageSource: 'url', imageUrls: CDN_1 })),
		);
		expect(submitted(item.json.taskId)).toMatchObject({ imageUrls: [CDN_1] });
	});

	it('an array expression is taken as given, one URL per entry, commas and all', async () => {
		const [item] = veo3Output(
			await fx.run(
				[{ urls: [CDN_1, CDN_2] }],
				generate({ mode: 'firstAndLast', imageSource: 'url', imageUrls: '={{ $json.urls }}' }),
			),
		);
		expect(submitted(item.json.taskId)).toMatchObject({ imageUrls: [CDN_1, CDN_2] });
	});

	it('text: split on new lines, and on commas only before http:// or https://', async () => {
		const [item] = veo3Output(
			await fx.run(
				[{}],
				generate({
					mode: 'reference',
					model: 'veo3_fast',
					imageSource: 'url',
					imageUrls: `${CDN_1}, ${CDN_2}\n${url(3)}`,
				}),
			),
		);
		expect(submitted(item.json.taskId)).toMatchObject({ imageUrls: [CDN_1, CDN_2, url(3)] });
	});

	it('First and Last Frames: two URLs, one per line, in order', async () => {
		const [item] = veo3Output(
			await fx.run(
				[{}],
				generate({ mode: 'firstAndLast', imageSource: 'url', imageUrls: `${url(1)}\n${url(2)}` }),
			),
		);
		expect(submitted(item.json.taskId)).toMatchObject({
			imageUrls: [url(1), url(2)],
			generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
		});
	});

	it.each([
		['veo3_fast', 1],
		['veo3_lite', 3],
	])(
		'Reference to Video with %s and %i image(s), URLs from an expression list',
		async (model, count) => {
			const urls = Array.from({ length: count }, (_, i) => url(i));
			const [item] = veo3Output(
				await fx.run(
					[{ urls }],
					generate({
						mode: 'reference',
						model,
						imageSource: 'url',
						imageUrls: '={{ $json.urls }}',
					}),
				),
			);
			expect(submitted(item.json.taskId)).toMatchObject({
				imageUrls: urls,
				generationType: 'REFERENCE_2_VIDEO',
				model,
			});
		},
	);

	it.each([
		[
			'Image to Video with two images',
			{ mode: 'image', imageUrls: `${url(1)}, ${url(2)}` },
			/2 image\(s\) given for Image to Video/,
			/exactly 1 image/,
		],
		[
			'First and Last Frames with one image',
			{ mode: 'firstAndLast', imageUrls: url(1) },
			/1 image\(s\) given/,
			/exactly 2 image/,
		],
		[
			'Reference to Video with four images',
			{ mode: 'reference', imageUrls: [1, 2, 3, 4].map(url).join(',') },
			/4 image\(s\) given/,
			/1 to 3 image/,
		],
		[
			'Reference to Video with the Quality model',
			{ mode: 'reference', model: 'veo3', imageUrls: url(1) },
			/Veo 3.1 Quality \(veo3\) does not support Reference to Video/,
			/Veo 3.1 Fast \(veo3_fast\), Veo 3.1 Lite \(veo3_lite\)/,
		],
	])('%s is refused before sending', async (_label, parameters, problem, allowed) => {
		const run = await fx.run([{}], generate({ imageSource: 'url', ...parameters }));
		const error = runError(run);
		expect(error.message).toMatch(problem);
		expect(error.description).toMatch(allowed);
		expect(fx.sim.requests()).toEqual([]);
	});
});
