/**
 * The operations other than Generate, each through a real workflow against the simulator:
 * Get Details (every documented record shape), Get 1080p, Get 4K, Extend, Download, Get Credits.
 */
import { createServer, request as httpRequest, type Server } from 'http';
import type { AddressInfo } from 'net';

import { PRICES_READ_ON } from '../../nodes/Veo3/money/prices';
import type { ConfigPatch } from '../../simulator';
import {
	bytesOf,
	ENDPOINT,
	FAST_TUNING,
	FAST_WAIT,
	fetchBytes,
	runError,
	useSimulator,
	veo3Output,
} from './helpers';

const fx = useSimulator('sk-operations-c41d9e');

const video = (operation: string, parameters: Record<string, unknown> = {}) => ({
	resource: 'video',
	operation,
	...parameters,
});
const fileRequests = () => fx.sim.requests().filter((r) => r.endpoint === 'GET /files');
const resultUrl = (taskId: string, variant = '') =>
	`${fx.sim.url}/files/v/${taskId}_0${variant}.mp4`;

describe('Get Details', () => {
	const details = async (taskId: string, options: Record<string, unknown> = {}) =>
		veo3Output(
			await fx.run([{ taskId }], video('getDetails', { taskId: '={{ $json.taskId }}', options })),
		)[0].json;

	it.each<[string, ConfigPatch]>([
		['current shape, URL arrays, epoch-ms times', {}],
		['URL lists as JSON strings', { recordUrlFormat: 'json-string' }],
		['a URL list as a plain string', { recordUrlFormat: 'string' }],
		['times as "YYYY-MM-DD hh:mm:ss" strings', { timeFormat: 'string' }],
		['the legacy shape (status + JSON-string resultUrls)', { recordShape: 'legacy' }],
	])('normalises %s to the same item', async (_label, format) => {
		const taskId = await fx.finishedTask();
		fx.sim.configure(format);
		const json = await details(taskId);
		const task = fx.sim.task(taskId)!;
		const iso = (ms: number) =>
			(format.timeFormat === 'string'
				? new Date(Math.floor(ms / 1000) * 1000)
				: new Date(ms)
			).toISOString();
		expect(json).toMatchObject({
			taskId,
			status: 'success',
			videoUrls: [resultUrl(taskId)],
			videoUrl: resultUrl(taskId),
			originUrls: [],
			fallback: false,
			errorCode: null,
			errorMessage: null,
			createdAt: iso(task.createdAt),
			completedAt: iso(task.completedAt!),
		});
		expect(json.resolution).toBe(format.recordShape === 'legacy' ? null : '720p');
		expect(json.raw).toBeUndefined();
	});

	it('a portrait video has its original-framing URL; a fallback video is flagged and 1080p', async () => {
		const portrait = await fx.finishedTask('a tall tower', { aspect_ratio: '9:16' });
		expect(await details(portrait)).toMatchObject({ originUrls: [resultUrl(portrait, '_origin')] });
		const fallback = await fx.finishedTask('a parade [fallback]');
		expect(await details(fallback)).toMatchObject({
			status: 'success',
			fallback: true,
			resolution: '1080p',
		});
	});

	it("a failed task: status failed with kie's code and reason, no URLs; a running task: generating", async () => {
		const failed = await fx.finishedTask('a meteor [fail]');
		expect(await details(failed)).toMatchObject({
			status: 'failed',
			errorCode: 501,
			errorMessage: 'Generation failed',
			videoUrls: [],
			videoUrl: null,
		});
		fx.sim.configure({ renderMs: 60_000 });
		const running = await fx.run(
			[{}],
			video('generate', { prompt: 'slow', waitMode: 'none', options: FAST_WAIT, ...FAST_TUNING }),
		);
		const runningId = String(veo3Output(running)[0].json.taskId);
		expect(await details(runningId)).toMatchObject({
			taskId: runningId,
			status: 'generating',
			videoUrls: [],
			completedAt: null,
		});
	});

	it("Include Raw Response adds kie's record unchanged", async () => {
		const taskId = await fx.finishedTask();
		const json = await details(taskId, { includeRaw: true });
		expect(json.raw).toEqual(fx.sim.task(taskId)!.record);
	});

	it("an unknown task ID is kie's error for that item, not an empty success", async () => {
		const error = runError(
			await fx.run([{}], video('getDetails', { taskId: '0123456789abcdef0123456789abcdef' })),
		);
		expect(error.message).toBe('No task with this ID at kie.ai, or it is older than 14 days');
	});
});

describe('Get 1080p', () => {
	it('waits through "1080P is processing" answers, then returns and downloads the 1080p file', async () => {
		const taskId = await fx.finishedTask();
		fx.sim.configure({ hd1080Calls: 2 });
		const run = await fx.run(
			[{ taskId }],
			video('get1080p', { taskId: '={{ $json.taskId }}', options: { pollIntervalSeconds: 0.05 } }),
		);
		const [item] = veo3Output(run);
		expect(item.json).toMatchObject({
			taskId,
			status: 'success',
			resolution: '1080p',
			videoUrl: resultUrl(taskId, '_1080p'),
		});
		expect(fx.apiRequests(ENDPOINT.get1080p).map((r) => r.code)).toEqual([400, 400, 200]);
		expect(fx.sim.counters().hd1080Jobs).toBe(1);
		expect(item.binary?.data?.fileName).toBe(`${taskId}_1080p.mp4`);
		expect(
			(await bytesOf(item.binary?.data)).equals(await fetchBytes(resultUrl(taskId, '_1080p'))),
		).toBe(true);
	});

	it('a fallback video cannot be upgraded: a clear error at once, no waiting', async () => {
		const taskId = await fx.finishedTask('a street parade [fallback]');
		const error = runError(
			await fx.run([{}], video('get1080p', { taskId, options: { pollIntervalSeconds: 0.05 } })),
		);
		expect(error.message).toMatch(/cannot be upgraded to 1080p/);
		expect(error.message).toMatch(/fallback model/);
		expect(error.description).toMatch(/backup model are already 1080p/);
		expect(fx.apiRequests(ENDPOINT.get1080p)).toHaveLength(1);
	});

	it('gives up at Max Wait Time with the task ID in the error', async () => {
		const taskId = await fx.finishedTask();
		fx.sim.configure({ hd1080Calls: 10_000 });
		const error = runError(
			await fx.run(
				[{}],
				video('get1080p', {
					taskId,
					options: { pollIntervalSeconds: 0.05, maxWaitMinutes: 0.005 },
				}),
			),
		);
		expect(error.message).toContain(taskId);
		expect(error.message).toMatch(/not finished/);
	});
});

describe('Get 4K', () => {
	it('poll mode: request → processing → done, downloads the 4K file, charged once', async () => {
		const taskId = await fx.finishedTask();
		fx.sim.configure({ fourKMs: 250 });
		const run = await fx.run(
			[{ taskId }],
			video('get4k', {
				taskId: '={{ $json.taskId }}',
				waitMode: 'poll',
				options: FAST_WAIT,
				...FAST_TUNING,
			}),
		);
		const [item] = veo3Output(run);
		expect(item.json).toMatchObject({
			taskId,
			status: 'success',
			resolution: '4k',
			videoUrl: resultUrl(taskId, '_4k'),
		});
		const codes = fx.apiRequests(ENDPOINT.get4k).map((r) => r.code);
		expect(codes[0]).toBe(200);
		expect(codes.slice(1, -1).every((code) => code === 422)).toBe(true);
		expect(codes.length).toBeGreaterThanOrEqual(3);
		expect(fx.sim.counters().fourKJobs).toBe(1);
		expect(fileRequests().map((r) => r.path)).toEqual([new URL(resultUrl(taskId, '_4k')).pathname]);
		expect(item.binary?.data?.mimeType).toBe('video/mp4');
	});

	it("Don't Wait returns at once with status generating", async () => {
		const taskId = await fx.finishedTask();
		fx.sim.configure({ fourKMs: 60_000 });
		const [item] = veo3Output(
			await fx.run(
				[{}],
				video('get4k', { taskId, waitMode: 'none', options: FAST_WAIT, ...FAST_TUNING }),
			),
		);
		expect(item.json).toMatchObject({ taskId, status: 'generating' });
		expect(fx.apiRequests(ENDPOINT.get4k)).toHaveLength(1);
	});

	it("a failed 4K job ends the wait with kie's reason", async () => {
		const taskId = await fx.finishedTask();
		fx.sim.configure({ fourKMs: 100, fourKOutcome: 'fail' });
		const error = runError(
			await fx.run(
				[{}],
				video('get4k', { taskId, waitMode: 'poll', options: FAST_WAIT, ...FAST_TUNING }),
			),
		);
		expect(error.message).toMatch(/4K version of this video is unavailable/);
	});
});

describe('Extend', () => {
	it('creates a new task from a finished one and downloads the full stitched video', async () => {
		const parent = await fx.finishedTask();
		const run = await fx.run(
			[{ parent }],
			video('extend', {
				taskId: '={{ $json.parent }}',
				prompt: 'the camera rises above the clouds',
				extendModel: 'lite',
				waitMode: 'poll',
				options: FAST_WAIT,
				...FAST_TUNING,
			}),
		);
		const [item] = veo3Output(run);
		const child = fx.sim.task(String(item.json.taskId))!;
		expect(child).toMatchObject({
			kind: 'extend',
			parentId: parent,
			model: 'lite',
			prompt: 'the camera rises above the clouds',
		});
		expect(item.json.taskId).not.toBe(parent);
		expect(item.json).toMatchObject({
			status: 'success',
			sourceTaskId: parent,
			fullVideoUrls: [resultUrl(child.id, '_full')],
			videoUrl: resultUrl(child.id, '_full'),
		});
		// The file downloaded is the full video, not the extension clip alone.
		expect(fileRequests().map((r) => r.path)).toEqual([
			new URL(resultUrl(child.id, '_full')).pathname,
		]);
		expect(item.binary?.data?.fileName).toBe(`${child.id}.mp4`);
	});

	it("extending a task that failed is kie's 422, reported for the item", async () => {
		const parent = await fx.finishedTask('nothing [fail]');
		const error = runError(
			await fx.run(
				[{}],
				video('extend', {
					taskId: parent,
					prompt: 'more',
					waitMode: 'poll',
					options: FAST_WAIT,
					...FAST_TUNING,
				}),
			),
		);
		expect(error.message).toMatch(/record status is not success/);
		expect(fx.sim.counters().tasksCreated).toBe(1);
	});
});

describe('Download', () => {
	it('by task ID: the result file as binary, named after the task', async () => {
		const taskId = await fx.finishedTask();
		const [item] = veo3Output(
			await fx.run(
				[{ taskId }],
				video('download', {
					source: 'taskId',
					taskId: '={{ $json.taskId }}',
					binaryPropertyOutput: 'video',
				}),
			),
		);
		const binary = item.binary?.video;
		expect(binary).toMatchObject({ fileName: `${taskId}.mp4`, mimeType: 'video/mp4' });
		expect(item.json).toMatchObject({
			taskId,
			videoIndex: 0,
			videoUrl: resultUrl(taskId),
			fileName: `${taskId}.mp4`,
		});
		const bytes = await bytesOf(binary);
		expect(bytes.equals(await fetchBytes(resultUrl(taskId)))).toBe(true);
		expect(binary?.bytes).toBe(bytes.length);
	});

	it('by task ID, Original Framing of a portrait video', async () => {
		const taskId = await fx.finishedTask('a tall tower', { aspect_ratio: '9:16' });
		const [item] = veo3Output(
			await fx.run([{}], video('download', { source: 'taskId', taskId, which: 'origin' })),
		);
		expect(item.json.videoUrl).toBe(resultUrl(taskId, '_origin'));
		expect(
			(await bytesOf(item.binary?.data)).equals(await fetchBytes(resultUrl(taskId, '_origin'))),
		).toBe(true);
	});

	it('by URL', async () => {
		const taskId = await fx.finishedTask();
		const setup = fx.apiRequests().length;
		const [item] = veo3Output(
			await fx.run([{}], video('download', { source: 'url', videoUrl: resultUrl(taskId) })),
		);
		expect((await bytesOf(item.binary?.data)).equals(await fetchBytes(resultUrl(taskId)))).toBe(
			true,
		);
		// A URL needs no kie.ai API call at all.
		expect(fx.apiRequests().slice(setup)).toEqual([]);
	});

	it('a task that is still rendering has nothing to download yet: a clear error', async () => {
		fx.sim.configure({ renderMs: 60_000 });
		const taskId = String(
			veo3Output(
				await fx.run(
					[{}],
					video('generate', {
						prompt: 'slow',
						waitMode: 'none',
						options: FAST_WAIT,
						...FAST_TUNING,
					}),
				),
			)[0].json.taskId,
		);
		const error = runError(await fx.run([{}], video('download', { source: 'taskId', taskId })));
		expect(error.message).toContain(`Task ${taskId} is generating`);
		expect(fileRequests()).toEqual([]);
	});

	describe('when the direct file link is refused', () => {
		// A file host in front of the simulator that refuses result links (expired or blocked, as
		// CDNs do) but serves the fresh links kie's download-url issues.
		let host: Server;
		let refuseWith = 403;
		beforeAll(async () => {
			host = createServer((req, res) => {
				if (req.url?.startsWith('/files/v/')) {
					res.writeHead(refuseWith, { 'content-type': 'text/plain' });
					res.end('AccessDenied');
					return;
				}
				const target = new URL(req.url ?? '/', fx.sim.url);
				const upstream = httpRequest(
					target,
					{ method: req.method, headers: req.headers },
					(answer) => {
						res.writeHead(answer.statusCode ?? 502, answer.headers);
						answer.pipe(res);
					},
				);
				req.pipe(upstream);
			});
			await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
		});
		afterAll(async () => await new Promise<void>((resolve) => host.close(() => resolve())));

		it.each([403, 404])(
			'direct link answers %i: falls back to a fresh download-url link',
			async (status) => {
				refuseWith = status;
				fx.sim.configure({ publicUrl: `http://127.0.0.1:${(host.address() as AddressInfo).port}` });
				const taskId = await fx.finishedTask();
				const [item] = veo3Output(
					await fx.run(
						[{ taskId }],
						video('download', { source: 'taskId', taskId: '={{ $json.taskId }}' }),
					),
				);
				expect(fx.apiRequests(ENDPOINT.downloadUrl).map((r) => r.code)).toEqual([200]);
				const served = fileRequests();
				expect(served).toHaveLength(1);
				expect(served[0].path).toMatch(/^\/files\/dl\//);
				const bytes = await bytesOf(item.binary?.data);
				expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
				expect(bytes.length).toBe(fx.sim.counters().fileBytesServed);
			},
		);
	});

	it('a link kie does not know either: the error says the download failed and why', async () => {
		const error = runError(
			await fx.run(
				[{}],
				video('download', {
					source: 'url',
					videoUrl: `${fx.sim.url}/files/v/${'0'.repeat(32)}_0.mp4`,
				}),
			),
		);
		expect(error.message).toMatch(/failed with HTTP 404/);
		expect(error.description).toMatch(/422: url is wrong/);
		expect(fx.apiRequests(ENDPOINT.downloadUrl)).toHaveLength(1);
	});
});

describe('Get Credits', () => {
	it('returns the balance as a number, fractions included', async () => {
		fx.sim.configure({ credits: 1234.5 });
		const out = veo3Output(await fx.run([{}], { resource: 'account', operation: 'getCredits' }));
		expect(out.map((item) => item.json)).toEqual([
			{
				credits: 1234.5,
				// What the balance pays for at the node's prices (Lite 30/35/150, Fast 60/65/180, Quality 250/255/370).
				videosAffordable: {
					veo3_lite: { '720p': 41, '1080p': 35, '4k': 8 },
					veo3_fast: { '720p': 20, '1080p': 18, '4k': 6 },
					veo3: { '720p': 4, '1080p': 4, '4k': 3 },
				},
				pricesReadOn: PRICES_READ_ON,
			},
		]);
	});
});
