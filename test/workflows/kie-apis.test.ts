/**
 * The node on both of kie's APIs, through real workflows against the simulator: Duration through
 * the Jobs API, the move to the Jobs API when /api/v1/veo/* is gone, every task operation on a
 * Jobs API task, and the errors kie's docs changed (433, Get 1080p's "processing" answers).
 */
import axios from 'axios';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { ENDPOINT, FAST_TUNING, FAST_WAIT, runError, useSimulator, veo3Output } from './helpers';

const fx = useSimulator('sk-kie-apis-5b81c2');

const video = (operation: string, parameters: Record<string, unknown> = {}) => ({
	resource: 'video',
	operation,
	...parameters,
});
const generate = (parameters: Record<string, unknown> = {}) =>
	video('generate', {
		prompt: 'a red kite over the dunes',
		waitMode: 'poll',
		downloadVideo: false,
		options: FAST_WAIT,
		...FAST_TUNING,
		...parameters,
	});
const JOBS_CREATE = 'POST /api/v1/jobs/createTask';

/** A finished Jobs API task, made directly at the simulator (test setup, not node code). */
async function finishedJobsTask(
	prompt = 'a glacier at dawn',
	input: Record<string, unknown> = {},
): Promise<string> {
	const auth = { headers: { Authorization: `Bearer ${fx.apiKey}` } };
	const answer = await axios.post(
		`${fx.sim.url}/api/v1/jobs/createTask`,
		{ model: 'veo-3-1', input: { prompt, ...input } },
		auth,
	);
	const taskId = String(answer.data.data.taskId);
	await axios.post(`${fx.sim.controlUrl}/tasks/${taskId}/complete`, {});
	return taskId;
}

describe('Duration', () => {
	it.each([4, 6])(
		'%i seconds: made through the Jobs API (veo-3-1) and waited for to the video',
		async (duration) => {
			const [item] = veo3Output(await fx.run([{}], generate({ duration })));
			expect(item.json).toMatchObject({
				status: 'success',
				duration,
				videoUrl: expect.stringMatching(/\.mp4$/),
				creditsConsumed: 60,
			});
			expect(fx.apiRequests(JOBS_CREATE)).toHaveLength(1);
			expect(fx.apiRequests(ENDPOINT.generate)).toHaveLength(0);
			const task = fx.sim.task(String(item.json.taskId))!;
			expect(JSON.parse(String(task.record.param))).toMatchObject({
				model: 'veo-3-1',
				input: { duration },
			});
		},
	);

	it('8 seconds (the default) stays on the dedicated API, so every tier works', async () => {
		veo3Output(await fx.run([{}], generate({ model: 'veo3', duration: 8 })));
		expect(fx.apiRequests(ENDPOINT.generate)).toHaveLength(1);
		expect(fx.apiRequests(JOBS_CREATE)).toHaveLength(0);
	});

	it('4 or 6 seconds with Lite or Quality is refused before anything is sent, naming the field', async () => {
		const error = runError(await fx.run([{}], generate({ model: 'veo3_lite', duration: 6 })));
		expect(error.message).toMatch(/Duration/);
		expect(error.description).toMatch(/Fast/);
		expect(fx.apiRequests()).toHaveLength(0);
	});
});

describe('when kie retires /api/v1/veo/*', () => {
	beforeEach(() => fx.sim.configure({ veoRetired: true }));

	it('Fast generation moves to the Jobs API with a notice in each item, and the batch succeeds', async () => {
		const out = veo3Output(await fx.run([{}, {}, {}], generate()));
		expect(out).toHaveLength(3);
		for (const item of out) {
			expect(item.json).toMatchObject({
				status: 'success',
				notice: expect.stringMatching(/no longer offers .*Jobs API/),
			});
		}
		expect(fx.apiRequests(JOBS_CREATE)).toHaveLength(3);
		expect(fx.sim.counters().tasksCreated).toBe(3);
	});

	it('Quality generation fails with a clear reason and creates nothing (the Jobs API has no tier)', async () => {
		const error = runError(await fx.run([{}], generate({ model: 'veo3' })));
		expect(error.message).toMatch(/no longer offers/);
		expect(error.message).toMatch(/Fast/);
		expect(fx.sim.tasks()).toHaveLength(0);
	});

	it('Get Details and Download still read a Jobs task', async () => {
		const taskId = await finishedJobsTask();
		const [details] = veo3Output(await fx.run([{}], video('getDetails', { taskId })));
		expect(details.json).toMatchObject({ taskId, status: 'success' });
	});
});

describe('task operations on a Jobs API task', () => {
	it('Get Details: state, resultJson, param and creditsConsumed normalised like any task', async () => {
		const taskId = await finishedJobsTask('a glacier at dawn', { resolution: '1080p' });
		const [item] = veo3Output(await fx.run([{}], video('getDetails', { taskId })));
		expect(item.json).toMatchObject({
			taskId,
			status: 'success',
			videoUrls: [expect.stringMatching(/\.mp4$/)],
			videoUrl: expect.stringMatching(/\.mp4$/),
			resolution: '1080p',
			creditsConsumed: 65,
			errorCode: null,
		});
	});

	it('Get Details of a failed Jobs task: failed, with failCode and failMsg', async () => {
		const taskId = await finishedJobsTask('a comet [fail]');
		const [item] = veo3Output(await fx.run([{}], video('getDetails', { taskId })));
		expect(item.json).toMatchObject({
			status: 'failed',
			errorCode: 501,
			errorMessage: 'Generation failed',
			videoUrl: null,
		});
	});

	it('Download by task ID gets the file', async () => {
		const taskId = await finishedJobsTask();
		const [item] = veo3Output(await fx.run([{}], video('download', { source: 'taskId', taskId })));
		expect(item.binary?.data).toBeDefined();
		expect(item.json).toMatchObject({ taskId, mimeType: 'video/mp4' });
	});

	it('Extend (Fast) continues it through veo/extend', async () => {
		const taskId = await finishedJobsTask();
		const [item] = veo3Output(
			await fx.run(
				[{}],
				video('extend', {
					taskId,
					prompt: 'and the sun rises',
					extendModel: 'fast',
					waitMode: 'poll',
					downloadVideo: false,
					options: FAST_WAIT,
					...FAST_TUNING,
				}),
			),
		);
		expect(item.json).toMatchObject({ status: 'success', sourceTaskId: taskId });
		// The setup's create, then the extend: the dedicated extend did not know the task.
		expect(fx.apiRequests(JOBS_CREATE)).toHaveLength(2);
		expect(fx.apiRequests(ENDPOINT.extend)).toHaveLength(1);
	});

	it('Get 4K upgrades it through veo/get-4k-video', async () => {
		const taskId = await finishedJobsTask();
		const [item] = veo3Output(
			await fx.run(
				[{}],
				video('get4k', {
					taskId,
					waitMode: 'poll',
					downloadVideo: false,
					options: FAST_WAIT,
					...FAST_TUNING,
				}),
			),
		);
		expect(item.json).toMatchObject({
			status: 'success',
			sourceTaskId: taskId,
			videoUrl: expect.stringMatching(/4k\.mp4$/),
		});
	});

	it('Get 1080p upgrades it through veo/get-1080p-video and downloads the file', async () => {
		const taskId = await finishedJobsTask();
		const [item] = veo3Output(
			await fx.run(
				[{}],
				video('get1080p', {
					taskId,
					options: { pollIntervalSeconds: 0.05, maxWaitMinutes: 0.5 },
					...FAST_TUNING,
				}),
			),
		);
		expect(item.json).toMatchObject({
			taskId,
			status: 'success',
			resolution: '1080p',
			videoUrl: expect.stringMatching(/1080p\.mp4$/),
			upgradeTaskId: expect.any(String),
		});
		expect(item.binary?.data).toBeDefined();
	});
});

describe('Get 1080p tells "processing" from server errors', () => {
	it('a 500 "…while processing the request" is kie\'s error at once, not waited out until Max Wait', async () => {
		const taskId = await fx.finishedTask();
		fx.sim.configure({ faults: { http500: { rate: 1, scope: 'reads' } } });
		const started = Date.now();
		const error = runError(
			await fx.run(
				[{}],
				video('get1080p', {
					taskId,
					downloadVideo: false,
					options: { pollIntervalSeconds: 0.05, maxWaitMinutes: 0.1 },
					...FAST_TUNING,
				}),
			),
		);
		expect(error.message).toMatch(/kie\.ai error 500/);
		expect(error.message).not.toMatch(/not finished/);
		expect(Date.now() - started).toBeLessThan(5000);
	});

	describe('against a kie that answers 422 "…being generated"', () => {
		let server: Server;
		let base: string;
		let calls = 0;
		beforeAll(async () => {
			server = createServer((req, res) => {
				calls++;
				res.writeHead(200, { 'content-type': 'application/json' });
				const ready = calls > 2;
				res.end(
					JSON.stringify(
						ready
							? { code: 200, msg: 'success', data: { resultUrl: `${base}/v/x_1080p.mp4` } }
							: {
									code: 422,
									msg: 'The 1080P video is being generated, please check back later.',
									data: null,
								},
					),
				);
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		});
		afterAll(async () => await new Promise<void>((resolve) => server.close(() => resolve())));

		it('waits through it and returns the URL', async () => {
			const { runWorkflow, itemsThenVeo3 } = await import('../harness/engine');
			const run = await runWorkflow({
				...itemsThenVeo3(
					[{}],
					video('get1080p', {
						taskId: 'a'.repeat(32),
						downloadVideo: false,
						options: { pollIntervalSeconds: 0.05, maxWaitMinutes: 0.2 },
						...FAST_TUNING,
					}),
				),
				credentials: fx.creds({ baseUrl: base }),
			});
			const [item] = veo3Output(run);
			expect(item.json).toMatchObject({ status: 'success', videoUrl: `${base}/v/x_1080p.mp4` });
			expect(calls).toBe(3);
		});
	});
});

describe('code 433 (sub-key usage limit)', () => {
	beforeEach(() => fx.sim.configure({ subKeyLimited: true }));

	it('is said plainly and never retried, on a read', async () => {
		const error = runError(
			await fx.run([{}], { resource: 'account', operation: 'getCredits', ...FAST_TUNING }),
		);
		expect(error.message).toMatch(/usage limit/);
		expect(error.description).toMatch(/kie\.ai\/api-key/);
		expect(fx.apiRequests(ENDPOINT.credit)).toHaveLength(1);
	});

	it('is said plainly and never retried, on a paid create', async () => {
		const error = runError(await fx.run([{}], generate()));
		expect(error.message).toMatch(/usage limit/);
		expect(error.description).toMatch(/kie\.ai\/api-key/);
		expect(fx.apiRequests(ENDPOINT.generate)).toHaveLength(1);
		expect(fx.sim.tasks()).toHaveLength(0);
	});
});

describe('a task neither API knows', () => {
	it("Extend reports the dedicated API's answer, after asking the Jobs API too", async () => {
		const error = runError(
			await fx.run(
				[{}],
				video('extend', {
					taskId: 'b'.repeat(32),
					prompt: 'more',
					extendModel: 'fast',
					waitMode: 'none',
					options: FAST_WAIT,
					...FAST_TUNING,
				}),
			),
		);
		// kie's 404 for an unknown original task is said in the node's own words for unknown tasks.
		expect(error.message).toMatch(/No task with this ID at kie\.ai, or it is older than 14 days/);
		expect(fx.apiRequests(JOBS_CREATE)).toHaveLength(1);
		expect(fx.sim.tasks()).toHaveLength(0);
	});
});
