/**
 * GET get-1080p-video (docs/kie-api.md#get-1080p), POST get-4k-video (docs/kie-api.md#get-4k) with its callback in both shapes (docs/kie-api.md#callback-4k), and
 * POST extend (docs/kie-api.md#extend).
 */
import {
	generate,
	recordInfo,
	startHarness,
	startReceiver,
	waitDone,
	sleep,
	type Harness,
	type Receiver,
} from './helpers';

let h: Harness;
let rx: Receiver;
beforeAll(async () => {
	h = await startHarness({ renderMs: 20, fourKMs: 60 });
	rx = await startReceiver();
});
afterAll(async () => {
	await h.sim.stop();
	await rx.close();
});
beforeEach(() => {
	h.sim.reset();
	rx.received.length = 0;
});

async function done(body: Record<string, unknown> = {}): Promise<string> {
	const id = await generate(h.api, body);
	await waitDone(h.api, id);
	return id;
}

const get1080 = (taskId: string, index?: number | string) =>
	h.api.get('/api/v1/veo/get-1080p-video', { params: { taskId, index } }).then((r) => r.data);
const post4k = (body: Record<string, unknown>) =>
	h.api.post('/api/v1/veo/get-4k-video', body).then((r) => r.data);

const PROCESSING_1080 =
	'1080P is processing. It should be ready in 1-2 minutes. Please check back shortly.';

describe('1080p (docs/kie-api.md#get-1080p)', () => {
	it('answers code 400 "processing" N times (calls mode), then {resultUrl} as a single string', async () => {
		h.sim.configure({ hd1080Calls: 2 });
		const id = await done();
		expect(await get1080(id)).toEqual({ code: 400, msg: PROCESSING_1080, data: null });
		expect(await get1080(id, 0)).toEqual({ code: 400, msg: PROCESSING_1080, data: null });
		const ready = await get1080(id, '0');
		expect(ready).toEqual({
			code: 200,
			msg: 'success',
			data: { resultUrl: expect.stringMatching(/\/files\/v\/[0-9a-f]{32}_0_1080p\.mp4$/) },
		});
		const file = await h.anon.get(ready.data.resultUrl, { responseType: 'arraybuffer' });
		expect(file.status).toBe(200);
		expect(file.headers['content-type']).toBe('video/mp4');
	});

	it('time mode: processing until hd1080Ms after the first request', async () => {
		h.sim.configure({ hd1080Ms: 150 });
		const id = await done();
		expect((await get1080(id)).code).toBe(400);
		await sleep(170);
		expect((await get1080(id)).code).toBe(200);
	});

	it('fast profile default: processing first, ready within a second', async () => {
		const id = await done();
		expect((await get1080(id)).code).toBe(400);
		await sleep(250);
		expect((await get1080(id)).code).toBe(200);
	});

	it('charges 5 credits once, however often it is polled', async () => {
		h.sim.configure({ hd1080Calls: 3 });
		const id = await done();
		const before = h.sim.counters().credits;
		for (let i = 0; i < 6; i++) await get1080(id);
		expect(h.sim.counters().credits).toBe(before - 5);
		expect(h.sim.counters().hd1080Jobs).toBe(1);
	});

	it('402 when 5 credits are missing', async () => {
		const id = await done();
		h.sim.configure({ credits: 4 });
		expect(await get1080(id)).toMatchObject({ code: 402 });
	});

	it('refuses a task that is still generating → 422 "record status is not success."', async () => {
		h.sim.configure({ renderMs: 5000 });
		const id = await generate(h.api);
		expect(await get1080(id)).toEqual({
			code: 422,
			msg: 'record status is not success.',
			data: null,
		});
	});

	it('refuses a failed task', async () => {
		const id = await done({ prompt: 'x [fail]' });
		expect((await get1080(id)).msg).toBe('record status is not success.');
	});

	it('refuses fallback videos with a clear 422', async () => {
		const id = await done({ prompt: 'x [fallback]' });
		const r = await get1080(id);
		expect(r.code).toBe(422);
		expect(r.msg).toMatch(/fallback/);
	});

	it('unknown task → 422 "record is null."; bad index → 422 naming index', async () => {
		expect(await get1080('f'.repeat(32))).toMatchObject({ code: 422, msg: 'record is null.' });
		const id = await done();
		expect((await get1080(id, 'x')).msg).toBe('index must be a non-negative integer');
		expect((await get1080(id, 1)).msg).toMatch(/^index must be between 0 and 0/);
	});
});

describe('4K (docs/kie-api.md#get-4k)', () => {
	it('first POST → 200 {taskId (original), resultUrls:null, imageUrls:null}; charged 120 once', async () => {
		const id = await done();
		const before = h.sim.counters().credits;
		expect(await post4k({ taskId: id })).toEqual({
			code: 200,
			msg: 'success',
			data: { taskId: id, resultUrls: null, imageUrls: null },
		});
		expect(await post4k({ taskId: id, index: 0 })).toEqual({
			code: 422,
			msg: '4k is processing. It should be ready in 5-10 minutes. Please check back shortly.',
			data: { taskId: id, resultUrls: null, imageUrls: null },
		});
		await sleep(100);
		const doneRes = await post4k({ taskId: id });
		expect(doneRes).toEqual({
			code: 422,
			msg: 'The video has been generated successfully',
			data: {
				taskId: id,
				resultUrls: [expect.stringMatching(/_0_4k\.mp4$/)],
				imageUrls: [expect.stringMatching(/_0_4k\.jpg$/)],
			},
		});
		expect(h.sim.counters().credits).toBe(before - 120);
		const video = await h.anon.get(doneRes.data.resultUrls[0], { responseType: 'arraybuffer' });
		expect(video.headers['content-type']).toBe('video/mp4');
		const thumb = await h.anon.get(doneRes.data.imageUrls[0], { responseType: 'arraybuffer' });
		expect(thumb.headers['content-type']).toBe('image/jpeg');
		expect(Buffer.from(thumb.data).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
	});

	it('posts the callback-page shape by default', async () => {
		const id = await done();
		await post4k({ taskId: id, callBackUrl: rx.url });
		const [cb] = await rx.waitForCount(1);
		expect(cb.body).toEqual({
			code: 200,
			msg: '4K Video generated successfully.',
			data: {
				taskId: id,
				info: {
					resultUrls: [expect.stringMatching(/_0_4k\.mp4$/)],
					imageUrls: [expect.stringMatching(/_0_4k\.jpg$/)],
				},
			},
		});
	});

	it('posts the OpenAPI shape when configured', async () => {
		h.sim.configure({ fourKCallbackShape: 'openapi' });
		const id = await done();
		await post4k({ taskId: id, callBackUrl: rx.url });
		const [cb] = await rx.waitForCount(1);
		expect(cb.body).toEqual({
			code: 200,
			msg: '4K Video generated successfully.',
			data: {
				task_id: id,
				result_urls: [expect.stringMatching(/_0_4k\.mp4$/)],
				media_ids: [expect.any(String)],
				image_urls: [expect.stringMatching(/_0_4k\.jpg$/)],
			},
		});
	});

	it('fourKTaskId new: the 4K render has its own id, named by its callback and readable with record-info', async () => {
		h.sim.configure({ fourKTaskId: 'new' });
		const id = await done();
		const first = await post4k({ taskId: id, callBackUrl: rx.url });
		const fourKId = String(first.data.taskId);
		expect(fourKId).toMatch(/^[0-9a-f]{32}$/);
		expect(fourKId).not.toBe(id);
		expect(await recordInfo(h.api, fourKId)).toMatchObject({
			code: 200,
			data: { taskId: fourKId, successFlag: 0, response: null },
		});
		const [cb] = await rx.waitForCount(1);
		expect(cb.body).toMatchObject({ code: 200, data: { taskId: fourKId } });
		const record = (await recordInfo(h.api, fourKId)).data;
		expect(record).toMatchObject({
			taskId: fourKId,
			successFlag: 1,
			response: {
				taskId: fourKId,
				resultUrls: [expect.stringMatching(/_0_4k\.mp4$/)],
				imageUrls: [expect.stringMatching(/_0_4k\.jpg$/)],
				mediaIds: [expect.any(String)],
				resolution: '4k',
			},
		});
		expect(record).not.toHaveProperty('fallbackFlag');
		// The source's own record shows nothing of its 4K, and repeats name the 4K id.
		expect((await recordInfo(h.api, id)).data.response.resolution).not.toBe('4k');
		expect(await post4k({ taskId: id })).toMatchObject({ code: 422, data: { taskId: fourKId } });
	});

	it('fourKTaskId new with a failed 4K: record-info answers successFlag 3 with the reason', async () => {
		h.sim.configure({ fourKTaskId: 'new', fourKOutcome: 'fail' });
		const id = await done();
		const fourKId = String((await post4k({ taskId: id, callBackUrl: rx.url })).data.taskId);
		await rx.waitForCount(1);
		expect((await recordInfo(h.api, fourKId)).data).toMatchObject({
			successFlag: 3,
			errorCode: 500,
			errorMessage: 'The 4K version of this video is unavailable. Please try a different video.',
		});
	});

	it('fourKOutcome fail → code 500 failure callback and a 422 on repeat', async () => {
		h.sim.configure({ fourKOutcome: 'fail' });
		const id = await done();
		await post4k({ taskId: id, callBackUrl: rx.url });
		const [cb] = await rx.waitForCount(1);
		expect(cb.body).toEqual({
			code: 500,
			msg: 'The 4K version of this video is unavailable. Please try a different video.',
			data: { taskId: id },
		});
		expect(await post4k({ taskId: id })).toMatchObject({ code: 422, msg: cb.body.msg });
	});

	it('realistic profile: 4K takes 5–10 min unless completed through the control API', async () => {
		h.sim.configure({ profile: 'realistic', fourKMs: null });
		const id = await done();
		await post4k({ taskId: id });
		const job = h.sim.task(id)!.fourK[0];
		expect(job.readyMs).toBeGreaterThanOrEqual(300_000);
		expect(job.readyMs).toBeLessThanOrEqual(600_000);
		const forced = await h.control.post(`/tasks/${id}/complete`, {});
		expect(forced.data.upgradesFinished).toBe(1);
		expect((await post4k({ taskId: id })).msg).toBe('The video has been generated successfully');
	});

	it('validation: taskId required, index integer, 402, not-success, unknown', async () => {
		expect(await post4k({})).toEqual({ code: 422, msg: 'taskId is required', data: null });
		const id = await done();
		expect((await post4k({ taskId: id, index: -1 })).msg).toBe(
			'index must be a non-negative integer',
		);
		expect((await post4k({ taskId: 'f'.repeat(32) })).msg).toBe('record is null.');
		const failed = await done({ prompt: 'x [content-policy]' });
		expect((await post4k({ taskId: failed })).msg).toBe('record status is not success.');
		h.sim.configure({ credits: 119 });
		expect((await post4k({ taskId: id })).code).toBe(402);
		expect(h.sim.task(id)!.fourK).toHaveLength(0);
	});
});

describe('extend (docs/kie-api.md#extend)', () => {
	it('returns a new task id whose record carries fullResultUrls', async () => {
		const original = await done({ aspect_ratio: '9:16' });
		const res = await h.api.post('/api/v1/veo/extend', {
			taskId: original,
			prompt: 'the cat keeps skating',
			seeds: 12345,
			watermark: 'MyBrand',
			model: 'lite',
		});
		expect(res.data).toEqual({
			code: 200,
			msg: 'success',
			data: { taskId: expect.stringMatching(/^[0-9a-f]{32}$/) },
		});
		const ext = res.data.data.taskId;
		expect(ext).not.toBe(original);
		const data = await waitDone(h.api, ext);
		expect(data.successFlag).toBe(1);
		expect(data.response.fullResultUrls).toEqual([
			expect.stringMatching(new RegExp(`/files/v/${ext}_0_full\\.mp4$`)),
		]);
		expect(data.response.resultUrls).toEqual([expect.stringMatching(/_0\.mp4$/)]);
		expect(JSON.parse(data.paramJson)).toEqual({
			taskId: original,
			prompt: 'the cat keeps skating',
			model: 'lite',
			seeds: 12345,
			waterMark: 'MyBrand',
		});
		const full = await h.anon.get(data.response.fullResultUrls[0], { responseType: 'arraybuffer' });
		expect(full.status).toBe(200);
	});

	it('unknown original → 404', async () => {
		const res = await h.api.post('/api/v1/veo/extend', { taskId: 'f'.repeat(32), prompt: 'x' });
		expect(res.data).toEqual({
			code: 404,
			msg: 'The original video task does not exist.',
			data: null,
		});
	});

	it('non-success original → 422', async () => {
		h.sim.configure({ renderMs: 5000 });
		const generating = await generate(h.api);
		expect(
			(await h.api.post('/api/v1/veo/extend', { taskId: generating, prompt: 'x' })).data,
		).toEqual({
			code: 422,
			msg: 'record status is not success.',
			data: null,
		});
	});

	it.each<[unknown, string]>([
		[{ prompt: 'x' }, 'taskId is required'],
		[{ taskId: 'abc', prompt: '  ' }, 'prompt is required'],
		[
			{ taskId: 'abc', prompt: 'x', model: 'veo3_fast' },
			'model must be one of fast, quality, lite',
		],
		[{ taskId: 'abc', prompt: 'x', seeds: 1 }, 'seeds must be an integer between 10000 and 99999'],
	])('validation %j → 422 %s', async (body, msg) => {
		expect((await h.api.post('/api/v1/veo/extend', body)).data).toEqual({
			code: 422,
			msg,
			data: null,
		});
	});

	it('sends an extend callback with the extension message', async () => {
		const original = await done();
		await h.api.post('/api/v1/veo/extend', {
			taskId: original,
			prompt: 'more',
			callBackUrl: rx.url,
		});
		const [cb] = await rx.waitForCount(1);
		expect(cb.body).toMatchObject({ code: 200, msg: 'Veo3.1 video extension successful.' });
	});

	it('extend markers work like generate markers', async () => {
		const original = await done();
		const res = await h.api.post('/api/v1/veo/extend', { taskId: original, prompt: 'more [fail]' });
		const data = await waitDone(h.api, res.data.data.taskId);
		expect(data).toMatchObject({ successFlag: 3, errorCode: 501 });
		expect((await recordInfo(h.api, original)).data.successFlag).toBe(1);
	});
});
