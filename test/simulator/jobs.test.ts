/**
 * Contract of kie's unified Jobs API for Veo 3.1, written from the reference on kie's Jobs API
 * (createTask, recordInfo, the Jobs-shaped callback), not from the simulator's code: what a
 * client of kie may rely on, checked against the simulator.
 */
import type { AxiosInstance } from 'axios';
import { createHmac } from 'node:crypto';
import {
	generate,
	sleep,
	startHarness,
	startReceiver,
	waitDone,
	waitFor,
	type Harness,
} from './helpers';

let h: Harness;
beforeAll(async () => {
	h = await startHarness({ hmacKey: 'jobs-key' });
});
afterAll(async () => {
	await h.sim.stop();
});
beforeEach(() => h.sim.reset());

async function createTask(body: Record<string, unknown>): Promise<any> {
	return (await h.api.post('/api/v1/jobs/createTask', body)).data;
}

async function createVeo(
	input: Record<string, unknown> = {},
	extra: Record<string, unknown> = {},
): Promise<string> {
	const res = await createTask({
		model: 'veo-3-1',
		input: { prompt: 'a fox in the snow', ...input },
		...extra,
	});
	if (res.code !== 200) throw new Error(`createTask failed: ${JSON.stringify(res)}`);
	return res.data.taskId as string;
}

async function recordInfo(api: AxiosInstance, taskId: string): Promise<any> {
	return (await api.get('/api/v1/jobs/recordInfo', { params: { taskId } })).data;
}

/** Polls at 5 per second, well inside kie's 10 per second per task. */
async function waitFinal(taskId: string): Promise<any> {
	return await waitFor(
		async () => {
			const r = await recordInfo(h.api, taskId);
			return r.code === 200 && (r.data.state === 'success' || r.data.state === 'fail')
				? r.data
				: null;
		},
		8000,
		200,
	);
}

describe('createTask', () => {
	it('creates a veo-3-1 task: {code:200, msg:"success", data:{taskId, recordId}}', async () => {
		const res = await createTask({ model: 'veo-3-1', input: { prompt: 'a fox' } });
		expect(res).toEqual({
			code: 200,
			msg: 'success',
			data: { taskId: expect.any(String), recordId: expect.any(String) },
		});
	});

	it('answers a create without model 422 "Invalid model", on both APIs, and creates nothing', async () => {
		expect(await createTask({ input: { prompt: 'a fox' } })).toMatchObject({
			code: 422,
			msg: 'Invalid model',
		});
		const veo = (await h.api.post('/api/v1/veo/generate', { prompt: 'a fox' })).data;
		expect(veo).toMatchObject({ code: 422, msg: 'Invalid model' });
		expect(h.sim.tasks()).toHaveLength(0);
		expect(h.sim.counters().creditsSpent).toBe(0);
	});

	it('knows no tier ids: veo3_fast is not a Jobs model', async () => {
		expect(await createTask({ model: 'veo3_fast', input: { prompt: 'a fox' } })).toMatchObject({
			code: 422,
		});
	});

	it.each([4, 6, 8])(
		'accepts duration %i (integer seconds) and echoes it in param',
		async (duration) => {
			const id = await createVeo({ duration });
			const record = await waitFinal(id);
			const param = JSON.parse(record.param);
			expect(param).toMatchObject({
				model: 'veo-3-1',
				input: { prompt: 'a fox in the snow', duration },
			});
		},
	);

	it.each([5, '6', 10])(
		'refuses duration %p naming the field and the allowed values',
		async (duration) => {
			const res = await createTask({ model: 'veo-3-1', input: { prompt: 'a fox', duration } });
			expect(res.code).toBe(422);
			expect(res.msg).toMatch(/duration/);
			expect(res.msg).toMatch(/4, 6, 8/);
		},
	);

	it('uses the schema field names: resolution 4k in lower case, snake_case aspect_ratio and image_urls', async () => {
		expect(
			(await createTask({ model: 'veo-3-1', input: { prompt: 'a', resolution: '4K' } })).code,
		).toBe(422);
		expect(
			(await createTask({ model: 'veo-3-1', input: { prompt: 'a', aspectRatio: '9:16' } })).msg,
		).toMatch(/aspectRatio/);
		expect(
			(await createTask({ model: 'veo-3-1', input: { prompt: 'a', generate_audio: true } })).msg,
		).toMatch(/generate_audio/);
		const ok = await createTask({
			model: 'veo-3-1',
			input: {
				prompt: 'a',
				aspect_ratio: '9:16',
				resolution: '4k',
				generation_type: 'REFERENCE_2_VIDEO',
				image_urls: ['https://example.com/a.png'],
			},
		});
		expect(ok.code).toBe(200);
	});

	it('requires prompt and an input object', async () => {
		expect((await createTask({ model: 'veo-3-1', input: {} })).msg).toMatch(/prompt/);
		expect((await createTask({ model: 'veo-3-1' })).msg).toMatch(/input/);
	});

	it('bills veo-3-1 at the Fast prices (60/65/180 by resolution); duration does not change the price', async () => {
		await createVeo({ resolution: '720p', duration: 4 });
		expect(h.sim.counters().creditsSpent).toBe(60);
		await createVeo({ resolution: '1080p' });
		expect(h.sim.counters().creditsSpent).toBe(125);
		await createVeo({ resolution: '4k', duration: 8 });
		expect(h.sim.counters().creditsSpent).toBe(305);
	});

	it('answers 402 when the credits do not cover the price, and creates nothing', async () => {
		h.sim.configure({ credits: 59 });
		expect(await createTask({ model: 'veo-3-1', input: { prompt: 'a' } })).toMatchObject({
			code: 402,
		});
		expect(h.sim.tasks()).toHaveLength(0);
	});
});

describe('recordInfo', () => {
	it('reports waiting/queuing/generating (successFlag 0, progress never filled), then success', async () => {
		h.sim.configure({ renderMs: 1500 });
		const id = await createVeo();
		const early = await recordInfo(h.api, id);
		expect(early.code).toBe(200);
		expect(['waiting', 'queuing', 'generating']).toContain(early.data.state);
		expect(early.data).toMatchObject({
			taskId: id,
			model: 'veo-3-1',
			successFlag: 0,
			progress: null,
			resultJson: null,
		});
		const done = await waitFinal(id);
		expect(done).toMatchObject({
			state: 'success',
			successFlag: 1,
			failCode: null,
			failMsg: null,
			creditsConsumed: 60,
		});
		expect(typeof done.createTime).toBe('number');
		expect(done.completeTime).toBeGreaterThanOrEqual(done.createTime);
	});

	it('gives resultJson as JSON text and response as the same object parsed; the video downloads', async () => {
		const done = await waitFinal(await createVeo());
		expect(typeof done.resultJson).toBe('string');
		const parsed = JSON.parse(done.resultJson);
		expect(parsed.resultUrls).toEqual([expect.stringMatching(/\.mp4$/)]);
		expect(done.response).toEqual(parsed);
		const file = await h.anon.get(parsed.resultUrls[0], { responseType: 'arraybuffer' });
		expect(file.status).toBe(200);
		expect(file.headers['content-type']).toBe('video/mp4');
	});

	it('reports a failed task as state fail, successFlag 3, with failCode and failMsg', async () => {
		const done = await waitFinal(await createVeo({ prompt: 'a fox [fail]' }));
		expect(done).toMatchObject({ state: 'fail', successFlag: 3, resultJson: null, response: null });
		expect(String(done.failCode)).toBe('501');
		expect(done.failMsg).toEqual(expect.any(String));
	});

	it('answers 422 "recordInfo is null" for unknown ids and for tasks of the dedicated API', async () => {
		expect(await recordInfo(h.api, 'f'.repeat(32))).toMatchObject({
			code: 422,
			msg: 'recordInfo is null',
		});
		const legacy = await generate(h.api);
		expect(await recordInfo(h.api, legacy)).toMatchObject({ code: 422, msg: 'recordInfo is null' });
		const jobs = await createVeo();
		const old = (await h.api.get('/api/v1/veo/record-info', { params: { taskId: jobs } })).data;
		expect(old).toMatchObject({ code: 422, msg: 'record is null.' });
	});
});

describe('Jobs-shaped callbacks', () => {
	it('posts {code, msg, data:{taskId, callbackType, state, resultJson (text), failCode, failMsg}}, signed over the task id', async () => {
		const receiver = await startReceiver();
		try {
			const id = await createVeo({}, { callBackUrl: receiver.url });
			const [got] = await receiver.waitForCount(1);
			expect(got.body).toEqual({
				code: 200,
				msg: expect.any(String),
				data: {
					taskId: id,
					callbackType: expect.any(String),
					state: 'success',
					resultJson: expect.any(String),
					failCode: null,
					failMsg: null,
				},
			});
			expect(JSON.parse(got.body.data.resultJson).resultUrls).toHaveLength(1);
			const timestamp = String(got.headers['x-webhook-timestamp']);
			const expected = createHmac('sha256', 'jobs-key')
				.update(`${id}.${timestamp}`)
				.digest('base64');
			expect(got.headers['x-webhook-signature']).toBe(expected);
		} finally {
			await receiver.close();
		}
	});

	it('posts failures with state fail and the reason', async () => {
		const receiver = await startReceiver();
		try {
			await createVeo({ prompt: 'x [content-policy]' }, { callBackUrl: receiver.url });
			const [got] = await receiver.waitForCount(1);
			expect(got.body.data).toMatchObject({
				state: 'fail',
				resultJson: null,
				failMsg: expect.stringMatching(/content polic/),
			});
			expect(got.body.code).not.toBe(200);
		} finally {
			await receiver.close();
		}
	});
});

describe('extend and the upgrade models', () => {
	it('veo/extend (task_id, prompt) continues a finished video of either API as a new task', async () => {
		const jobsParent = await createVeo();
		await waitFinal(jobsParent);
		const legacyParent = await generate(h.api);
		await waitDone(h.api, legacyParent);
		for (const parent of [jobsParent, legacyParent]) {
			const res = await createTask({
				model: 'veo/extend',
				input: { task_id: parent, prompt: 'and then it snows' },
			});
			expect(res.code).toBe(200);
			expect(res.data.taskId).not.toBe(parent);
			const done = await waitFinal(res.data.taskId);
			expect(done).toMatchObject({ model: 'veo/extend', state: 'success' });
			expect(JSON.parse(done.resultJson).resultUrls).toHaveLength(1);
		}
		expect((await createTask({ model: 'veo/extend', input: { prompt: 'x' } })).msg).toMatch(
			/task_id/,
		);
	});

	it('veo/get-1080p-video takes taskId (camelCase) and gives a 1080p URL; 5 credits once', async () => {
		const parent = await createVeo();
		await waitFinal(parent);
		const spent = h.sim.counters().creditsSpent;
		expect(
			(await createTask({ model: 'veo/get-1080p-video', input: { task_id: parent } })).code,
		).toBe(422);
		const res = await createTask({
			model: 'veo/get-1080p-video',
			input: { taskId: parent, index: 0 },
		});
		expect(res.code).toBe(200);
		const done = await waitFinal(res.data.taskId);
		expect(done.state).toBe('success');
		const url = JSON.parse(done.resultJson).resultUrls[0];
		expect(url).toMatch(/1080p\.mp4$/);
		expect((await h.anon.get(url)).status).toBe(200);
		await createTask({ model: 'veo/get-1080p-video', input: { taskId: parent } });
		expect(h.sim.counters().creditsSpent - spent).toBe(5);
	});

	it('veo/get-4k-video takes task_id and gives 4K video and image URLs; 120 credits', async () => {
		const parent = await createVeo();
		await waitFinal(parent);
		const spent = h.sim.counters().creditsSpent;
		const res = await createTask({
			model: 'veo/get-4k-video',
			input: { task_id: parent, index: 0 },
		});
		expect(res.code).toBe(200);
		const done = await waitFinal(res.data.taskId);
		const result = JSON.parse(done.resultJson);
		expect(result.resultUrls[0]).toMatch(/4k\.mp4$/);
		expect(result.imageUrls[0]).toMatch(/4k\.jpg$/);
		expect(h.sim.counters().creditsSpent - spent).toBe(120);
	});

	it('refuses upgrades of a video that is not finished', async () => {
		h.sim.configure({ renderMs: 5000 });
		const parent = await createVeo();
		expect(
			(await createTask({ model: 'veo/get-1080p-video', input: { taskId: parent } })).code,
		).toBe(422);
	});
});

describe("kie's limits (429 in the body, HTTP 200)", () => {
	it('createTask: 20 per 10 s per account, counted together with the dedicated API', async () => {
		for (let i = 0; i < 10; i++) await generate(h.api);
		for (let i = 0; i < 10; i++) await createVeo();
		const res = await h.api.post('/api/v1/jobs/createTask', {
			model: 'veo-3-1',
			input: { prompt: 'one too many' },
		});
		expect(res.status).toBe(200);
		expect(res.data.code).toBe(429);
		expect(h.sim.tasks()).toHaveLength(20);
	});

	it('recordInfo: 10 per second per taskId; another task is not affected', async () => {
		const a = await createVeo();
		const b = await createVeo();
		const answers = await Promise.all(Array.from({ length: 11 }, () => recordInfo(h.api, a)));
		expect(answers.filter((r) => r.code === 200)).toHaveLength(10);
		expect(answers.filter((r) => r.code === 429)).toHaveLength(1);
		expect((await recordInfo(h.api, b)).code).toBe(200);
		await sleep(1050);
		expect((await recordInfo(h.api, a)).code).toBe(200);
	});

	it('models, price, schema and success-rate share one budget of 1 call per second', async () => {
		expect((await h.api.get('/api/v1/models')).data.code).toBe(200);
		const second = await h.api.get('/api/v1/models/veo-3-1/price');
		expect(second.status).toBe(200);
		expect(second.data.code).toBe(429);
		await sleep(1050);
		expect((await h.api.get('/api/v1/models/veo-3-1/success-rate')).data.code).toBe(200);
	});
});
