/**
 * POST /api/v1/veo/generate (docs/kie-api.md#generate): success shape, every 422 validation rule, the accepted input
 * shapes (both aspect-ratio spellings, docs/kie-api.md#aspect-ratio), defaults and the paramJson echo (docs/kie-api.md#record-fields).
 */
import { generate, recordInfo, startHarness, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
	h = await startHarness({ renderMs: 30 });
});
afterAll(() => h.sim.stop());
beforeEach(() => h.sim.reset());

const IMG = (n: number) => Array.from({ length: n }, (_, i) => `https://example.com/img${i}.png`);

/** Posts a generate body; a model is added unless the body names one (kie refuses a create without it). */
async function post(body: unknown) {
	const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
	return h.api.post('/api/v1/veo/generate', isObject ? { model: 'veo3_fast', ...body } : body);
}

describe('success', () => {
	it('answers {code:200,msg:"success",data:{taskId}} with a 32-hex task id', async () => {
		const res = await post({ prompt: 'A dog playing in a park' });
		expect(res.status).toBe(200);
		expect(res.data.code).toBe(200);
		expect(res.data.msg).toBe('success');
		expect(Object.keys(res.data.data)).toEqual(['taskId']);
		expect(res.data.data.taskId).toMatch(/^[0-9a-f]{32}$/);
	});

	it('accepts the verbatim G3 example body', async () => {
		const res = await post({
			prompt: 'A dog playing in a park',
			imageUrls: ['http://example.com/image1.jpg', 'http://example.com/image2.jpg'],
			model: 'veo3_fast',
			watermark: 'MyBrand',
			callBackUrl: 'http://your-callback-url.com/complete',
			aspect_ratio: '16:9',
			seeds: 12345,
			enableFallback: false,
			enableTranslation: true,
			generationType: 'REFERENCE_2_VIDEO',
		});
		expect(res.data.code).toBe(200);
	});

	it.each([
		['aspect_ratio', '9:16'],
		['aspectRatio', '9:16'],
		['aspect_ratio', 'Auto'],
	])('accepts %s=%s and echoes it as aspectRatio in paramJson', async (field, value) => {
		const id = await generate(h.api, { [field]: value });
		const params = JSON.parse((await recordInfo(h.api, id)).data.paramJson);
		expect(params.aspectRatio).toBe(value);
		expect(params).not.toHaveProperty('aspect_ratio');
	});

	it('fills documented defaults into paramJson: 16:9, translation on, fallback off', async () => {
		const id = await generate(h.api, { prompt: 'cat' });
		expect(JSON.parse((await recordInfo(h.api, id)).data.paramJson)).toEqual({
			aspectRatio: '16:9',
			enableFallback: false,
			enableTranslation: true,
			model: 'veo3_fast',
			prompt: 'cat',
		});
	});

	it('echoes optional fields only when sent (watermark as waterMark, as the G0 docs show)', async () => {
		const id = await generate(h.api, {
			prompt: 'cat',
			watermark: 'KieAI',
			seeds: 34186,
			imageUrls: IMG(1),
			generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
			resolution: '1080p',
			callBackUrl: 'http://127.0.0.1:1/cb',
		});
		const params = JSON.parse((await recordInfo(h.api, id)).data.paramJson);
		expect(params).toMatchObject({
			waterMark: 'KieAI',
			seeds: 34186,
			imageUrls: IMG(1),
			generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
			resolution: '1080p',
			callBackUrl: 'http://127.0.0.1:1/cb',
		});
		expect(Object.keys(params)).toEqual([...Object.keys(params)].sort());
	});

	it('accepts the "playground" callBackUrl placeholder without sending anything', async () => {
		const res = await post({ prompt: 'cat', callBackUrl: 'playground' });
		expect(res.data.code).toBe(200);
	});

	it.each([
		['no images, no type', {}],
		['1 image, no type', { imageUrls: IMG(1) }],
		['2 images, no type', { imageUrls: IMG(2) }],
		['TEXT_2_VIDEO, empty list', { generationType: 'TEXT_2_VIDEO', imageUrls: [] }],
		['FIRST_AND_LAST 1', { generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO', imageUrls: IMG(1) }],
		['FIRST_AND_LAST 2', { generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO', imageUrls: IMG(2) }],
		[
			'REFERENCE 1 fast',
			{ generationType: 'REFERENCE_2_VIDEO', imageUrls: IMG(1), model: 'veo3_fast' },
		],
		[
			'REFERENCE 3 lite',
			{ generationType: 'REFERENCE_2_VIDEO', imageUrls: IMG(3), model: 'veo3_lite' },
		],
		[
			'REFERENCE 9:16',
			{ generationType: 'REFERENCE_2_VIDEO', imageUrls: IMG(2), aspect_ratio: '9:16' },
		],
		['model veo3', { model: 'veo3' }],
		['resolution 4k', { resolution: '4k' }],
		['seeds lower bound', { seeds: 10000 }],
		['seeds upper bound', { seeds: 99999 }],
		['null optionals', { seeds: null, imageUrls: null }],
	])('accepts %s', async (_name, extra) => {
		const res = await post({ prompt: 'ok', ...extra });
		expect(res.data).toMatchObject({ code: 200, msg: 'success' });
	});
});

describe('422 validation', () => {
	it.each<[string, unknown, string]>([
		['missing prompt', {}, 'prompt is required'],
		['empty prompt', { prompt: '' }, 'prompt is required'],
		['whitespace prompt', { prompt: '   \n\t' }, 'prompt is required'],
		['non-string prompt', { prompt: 42 }, 'prompt must be a string'],
		[
			'unknown model',
			{ prompt: 'x', model: 'veo4' },
			'model must be one of veo3, veo3_fast, veo3_lite',
		],
		[
			'missing model (kie answers "Invalid model")',
			{ prompt: 'x', model: undefined },
			'Invalid model',
		],
		['null model', { prompt: 'x', model: null }, 'Invalid model'],
		[
			'aspect_ratio 1:1',
			{ prompt: 'x', aspect_ratio: '1:1' },
			'aspect_ratio must be one of 16:9, 9:16, Auto',
		],
		[
			'aspectRatio lowercase auto',
			{ prompt: 'x', aspectRatio: 'auto' },
			'aspectRatio must be one of 16:9, 9:16, Auto',
		],
		[
			'disagreeing aspect fields',
			{ prompt: 'x', aspect_ratio: '16:9', aspectRatio: '9:16' },
			'aspect_ratio and aspectRatio must not disagree',
		],
		[
			'seeds too small',
			{ prompt: 'x', seeds: 9999 },
			'seeds must be an integer between 10000 and 99999',
		],
		[
			'seeds too large',
			{ prompt: 'x', seeds: 100000 },
			'seeds must be an integer between 10000 and 99999',
		],
		[
			'seeds not integer',
			{ prompt: 'x', seeds: 12345.5 },
			'seeds must be an integer between 10000 and 99999',
		],
		[
			'seeds as string',
			{ prompt: 'x', seeds: '12345' },
			'seeds must be an integer between 10000 and 99999',
		],
		[
			'unknown generationType',
			{ prompt: 'x', generationType: 'IMAGE_2_VIDEO' },
			'generationType must be one of TEXT_2_VIDEO, FIRST_AND_LAST_FRAMES_2_VIDEO, REFERENCE_2_VIDEO',
		],
		[
			'TEXT_2_VIDEO with an image',
			{ prompt: 'x', generationType: 'TEXT_2_VIDEO', imageUrls: IMG(1) },
			'imageUrls must be empty when generationType is TEXT_2_VIDEO',
		],
		[
			'FIRST_AND_LAST without images',
			{ prompt: 'x', generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO' },
			'imageUrls must contain 1 or 2 images when generationType is FIRST_AND_LAST_FRAMES_2_VIDEO',
		],
		[
			'FIRST_AND_LAST with 3 images',
			{ prompt: 'x', generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO', imageUrls: IMG(3) },
			'imageUrls must contain 1 or 2 images when generationType is FIRST_AND_LAST_FRAMES_2_VIDEO',
		],
		[
			'REFERENCE without images',
			{ prompt: 'x', generationType: 'REFERENCE_2_VIDEO', imageUrls: [] },
			'imageUrls must contain 1 to 3 images when generationType is REFERENCE_2_VIDEO',
		],
		[
			'REFERENCE with 4 images',
			{ prompt: 'x', generationType: 'REFERENCE_2_VIDEO', imageUrls: IMG(4) },
			'imageUrls must contain 1 to 3 images when generationType is REFERENCE_2_VIDEO',
		],
		[
			'3 images without a type',
			{ prompt: 'x', imageUrls: IMG(3) },
			'imageUrls must contain at most 2 images unless generationType is REFERENCE_2_VIDEO',
		],
		[
			'REFERENCE with the Quality model',
			{ prompt: 'x', generationType: 'REFERENCE_2_VIDEO', imageUrls: IMG(1), model: 'veo3' },
			'REFERENCE_2_VIDEO supports only model veo3_fast or veo3_lite',
		],
		[
			'imageUrls not an array',
			{ prompt: 'x', imageUrls: 'https://e.com/a.png' },
			'imageUrls must be an array of http(s) URLs',
		],
		[
			'non-http image URL',
			{ prompt: 'x', imageUrls: ['ftp://e.com/a.png'] },
			'imageUrls[0] must be an http(s) URL',
		],
		[
			'relative image URL',
			{ prompt: 'x', imageUrls: ['https://e.com/a.png', '/b.png'] },
			'imageUrls[1] must be an http(s) URL',
		],
		[
			'unknown resolution',
			{ prompt: 'x', resolution: '8k' },
			'resolution must be one of 720p, 1080p, 4k',
		],
		[
			'enableTranslation as string',
			{ prompt: 'x', enableTranslation: 'true' },
			'enableTranslation must be a boolean (true or false)',
		],
		[
			'enableFallback as number',
			{ prompt: 'x', enableFallback: 1 },
			'enableFallback must be a boolean (true or false)',
		],
		['watermark not a string', { prompt: 'x', watermark: 5 }, 'watermark must be a string'],
		['callBackUrl not a string', { prompt: 'x', callBackUrl: {} }, 'callBackUrl must be a string'],
		['body is an array', [], 'request body must be a JSON object'],
	])('%s → 422 %j', async (_name, body, msg) => {
		const res = await post(body);
		expect(res.status).toBe(200);
		expect(res.data).toEqual({ code: 422, msg, data: null });
	});

	it('rejects a body that is not JSON', async () => {
		const res = await h.api.post('/api/v1/veo/generate', '{"prompt":', {
			headers: { 'content-type': 'application/json' },
			transformRequest: [(d) => d], // send the broken text as is
		});
		expect(res.data).toEqual({ code: 422, msg: 'request body is not valid JSON', data: null });
	});

	it('a rejected create creates nothing and charges nothing', async () => {
		await post({ prompt: ' ' });
		await post({ prompt: 'x', model: 'nope' });
		expect(h.sim.tasks()).toHaveLength(0);
		expect(h.sim.counters()).toMatchObject({ credits: 10000, tasksCreated: 0, createsRejected: 2 });
	});
});
