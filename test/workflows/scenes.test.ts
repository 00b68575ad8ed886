/**
 * Generate Long Video (Scenes): scene 1 generated, each next scene an Extend of the previous
 * task, one stitched video out; money judged for the whole chain before the first create, and a
 * retry continuing after the finished scenes.
 */
import type { IConnections, IDataObject } from 'n8n-workflow';

import {
	ITEMS_TYPE,
	node,
	retryExecution,
	runWorkflow,
	VEO3_TOOL_TYPE,
	VEO3_TYPE,
} from '../harness/engine';
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

const fx = useSimulator('sk-scenes-8b41c2', { rateLimit: { max: 1000 } });

const FOUR = [
	'A barista pours latte art in a sunny cafe',
	'Close-up of the cup, steam rising',
	'A customer smiles and takes the first sip',
	'The cafe logo appears on the window',
];

const scenes = (extra: Record<string, unknown> = {}) => ({
	resource: 'video',
	operation: 'generateScenes',
	scenes: '={{ $json.scenes }}',
	...FAST_TUNING,
	...extra,
	options: { ...FAST_WAIT, ...((extra.options as object) ?? {}) },
});

const creates = () =>
	fx
		.apiRequests()
		.filter((r) => r.endpoint === ENDPOINT.generate || r.endpoint === ENDPOINT.extend);

describe('a 4-scene list', () => {
	it('makes 1 generate + 3 extends, each extending the previous task, and one stitched video', async () => {
		const run = await fx.run([{ scenes: FOUR.join('\n\n') }], scenes());
		const [out] = veo3Output(run);

		const sent = creates();
		expect(sent.map((r) => r.endpoint)).toEqual([
			ENDPOINT.generate,
			ENDPOINT.extend,
			ENDPOINT.extend,
			ENDPOINT.extend,
		]);
		const tasks = fx.sim.tasks();
		expect(tasks.map((t) => t.kind)).toEqual(['generate', 'extend', 'extend', 'extend']);
		// Each extend names the task of the scene before it.
		for (let k = 1; k < 4; k++) expect(tasks[k].parentId).toBe(tasks[k - 1].id);
		expect(tasks.map((t) => t.prompt)).toEqual(FOUR);

		expect(out.json).toMatchObject({
			status: 'success',
			taskId: tasks[3].id,
			sceneCount: 4,
			scenesDone: 4,
			estimatedCredits: 240,
			creditsConsumed: 240,
			model: 'veo3_fast',
			extendModel: 'fast',
		});
		expect(out.json.scenes).toEqual(
			tasks.map((t, k) => ({
				scene: k + 1,
				prompt: FOUR[k],
				taskId: t.id,
				clipUrl: expect.stringContaining(t.id),
			})),
		);
		expect(String(out.json.videoUrl)).toContain(`${tasks[3].id}_0_full`);
		// The stitched file covers the whole story: four clips long, and it is what the binary holds.
		const clip = await fetchBytes(
			String((out.json.scenes as Array<{ clipUrl: string }>)[0].clipUrl),
		);
		const stored = await bytesOf(out.binary?.data);
		expect(stored.length).toBe(4 * clip.length);
		expect(stored.subarray(4, 8).toString('latin1')).toBe('ftyp');
		expect(tasks.reduce((sum, t) => sum + t.creditsCharged, 0)).toBe(240);
		expect(out.pairedItem).toEqual({ item: 0 });
	});
});

const paid = () => fx.sim.tasks().reduce((sum, t) => sum + t.creditsCharged, 0);

describe("when kie retires /api/v1/veo/* (only kie's Jobs API answers)", () => {
	it('Fast: scene 1 through veo-3-1 and each extend through veo/extend of the previous task', async () => {
		fx.sim.configure({ veoRetired: true });
		const run = await fx.run([{ scenes: FOUR.slice(0, 3).join('\n') }], scenes());
		const [out] = veo3Output(run);
		const tasks = fx.sim.tasks();
		expect(tasks.map((t) => t.kind)).toEqual(['generate', 'extend', 'extend']);
		expect(tasks[2].parentId).toBe(tasks[1].id);
		expect(tasks[1].parentId).toBe(tasks[0].id);
		expect(fx.apiRequests('POST /api/v1/jobs/createTask')).toHaveLength(3);
		expect(out.json).toMatchObject({ status: 'success', scenesDone: 3, taskId: tasks[2].id });
		expect(String(out.json.videoUrl)).toContain(`${tasks[2].id}_0_full`);
	});

	it('Quality extensions: scene 1 is refused with the reason, nothing is created', async () => {
		fx.sim.configure({ veoRetired: true });
		const run = await fx.run([{ scenes: 'a\nb' }], { ...scenes(), model: 'veo3' });
		expect(runError(run).message).toMatch(/^Scene 1 of 2 failed: .*no longer offers/);
		expect(fx.sim.tasks()).toHaveLength(0);
	});
});

describe('scene sources', () => {
	it('an expression giving a list (strings or {prompt} objects) works like lines', async () => {
		const run = await fx.run([{ list: [{ prompt: FOUR[0] }, FOUR[1]] }], {
			...scenes(),
			scenes: '={{ $json.list }}',
		});
		expect(veo3Output(run)[0].json).toMatchObject({ status: 'success', sceneCount: 2 });
		expect(fx.sim.tasks().map((t) => t.prompt)).toEqual(FOUR.slice(0, 2));
	});

	it('one input item per scene, grouped by video and sorted by scene: one video per group, paired with all its rows', async () => {
		const rows = [
			{ video: 'ad-b', scene: 2, prompt: 'B two' },
			{ video: 'ad-a', scene: 3, prompt: 'A three' },
			{ video: 'ad-a', scene: 1, prompt: 'A one' },
			{ video: 'ad-b', scene: 1, prompt: 'B one' },
			{ video: 'ad-a', scene: '2', prompt: 'A two' },
		];
		const run = await fx.run(rows, { ...scenes(), sceneSource: 'items' });
		const out = veo3Output(run);
		expect(out).toHaveLength(2);
		expect(out.map((i) => i.json.group)).toEqual(['ad-b', 'ad-a']);
		expect(out.map((i) => i.pairedItem)).toEqual([
			[{ item: 0 }, { item: 3 }],
			[{ item: 1 }, { item: 2 }, { item: 4 }],
		]);
		const prompts = (i: number) =>
			(out[i].json.scenes as Array<{ prompt: string }>).map((s) => s.prompt);
		expect(prompts(0)).toEqual(['B one', 'B two']);
		expect(prompts(1)).toEqual(['A one', 'A two', 'A three']);
		expect(fx.sim.tasks()).toHaveLength(5);
		for (const item of out) {
			const [last] = (item.json.scenes as Array<{ taskId: string }>).slice(-1);
			expect(item.json.taskId).toBe(last.taskId);
		}
	});
});

describe('money before the first credit', () => {
	it('a cap below the chain estimate makes no request at all', async () => {
		const run = await fx.run(
			[{ scenes: FOUR.join('\n') }],
			scenes({ options: { maxCreditsPerExecution: 200 } }),
		);
		expect(runError(run).message).toBe(
			'Spending cap reached: this batch of 4 paid requests is estimated at 240 credits, over the Max Credits per Execution of 200. Nothing was sent.',
		);
		expect(fx.apiRequests()).toEqual([]);
	});

	it('Check Balance First judges the whole chain: a balance for 2 of 4 scenes sends no create', async () => {
		fx.sim.configure({ credits: 150 });
		const run = await fx.run([{ scenes: FOUR.join('\n') }], scenes());
		expect(runError(run).message).toMatch(
			/^Not enough kie.ai credits: .* 240 credits, but the balance is 150 credits/,
		);
		expect(fx.apiRequests().map((r) => r.endpoint)).toEqual([ENDPOINT.credit]);
	});

	it('the estimate covers every scene at each tier', async () => {
		const run = await fx.run([{ scenes: FOUR.join('\n') }], {
			...scenes(),
			model: 'veo3',
			extendModel: 'lite',
		});
		expect(veo3Output(run)[0].json).toMatchObject({
			estimatedCredits: 250 + 3 * 30,
			extendModel: 'lite',
		});
		expect(paid()).toBe(340);
	});
});

describe('a failing scene', () => {
	const failing = [FOUR[0], FOUR[1], 'The cup shatters [content-policy]', FOUR[3]];

	it('ends the chain: the error names the scene and its reason, keeps the finished scenes, sends nothing after', async () => {
		const run = await fx.run([{ scenes: failing.join('\n') }], scenes());
		const error = runError(run);
		expect(error.message).toMatch(/^Scene 3 of 4 failed: /);
		const tasks = fx.sim.tasks();
		expect(tasks).toHaveLength(3);
		expect(error.description).toContain(`scene 1: ${tasks[0].id}, scene 2: ${tasks[1].id}`);
		expect(error.description).toContain(`${tasks[1].id}_0_full`);
	});

	it('with the error output: an error item with failedScene, the finished scenes and the video so far', async () => {
		const run = await fx.run([{ scenes: failing.join('\n') }], scenes(), {
			onError: 'continueErrorOutput',
		});
		expect(run.output('Veo3', 0)).toEqual([]);
		const [item] = run.output('Veo3', 1);
		const tasks = fx.sim.tasks();
		expect(item.json.error).toMatch(/^Scene 3 of 4 failed/);
		expect(JSON.stringify(item.json)).toContain(tasks[2].id);
		// n8n 2.x's error output takes the details object (the harness runs n8n-core 2.x).
		expect(item.json.details).toMatchObject({
			failedScene: 3,
			sceneCount: 4,
			scenesDone: 2,
			taskId: tasks[2].id,
			status: 'failed',
			errorCode: 400,
			videoUrl: expect.stringContaining(`${tasks[1].id}_0_full`),
			scenes: [
				expect.objectContaining({ scene: 1, taskId: tasks[0].id }),
				expect.objectContaining({ scene: 2, taskId: tasks[1].id }),
			],
		});
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('with the regular output: the same fields at the top level', async () => {
		const run = await fx.run([{ scenes: failing.join('\n') }], scenes(), {
			onError: 'continueRegularOutput',
		});
		const [item] = veo3Output(run);
		expect(item.json).toMatchObject({
			failedScene: 3,
			scenesDone: 2,
			status: 'failed',
			creditsConsumed: 180,
		});
	});

	it('Retry execution after a failure at scene 3 (prompt fixed): pays only for scenes 3 and 4', async () => {
		const first = await fx.run([{ scenes: failing.join('\n') }], scenes());
		expect(runError(first).message).toMatch(/^Scene 3 of 4/);
		const paidFirst = paid();
		expect(paidFirst).toBe(180);
		const fixed = [
			node('Items', ITEMS_TYPE, { items: '[]' }),
			node('Veo3', VEO3_TYPE, {
				...scenes(),
				scenes: "={{ $json.scenes.replace(' [content-policy]', '') }}",
			}),
		];
		const retried = await retryExecution(first, fixed);
		const [out] = veo3Output(retried);
		expect(out.json).toMatchObject({ status: 'success', scenesDone: 4 });
		const tasks = fx.sim.tasks();
		expect(tasks).toHaveLength(5);
		// Scenes 1 and 2 are the first execution's tasks; only 3 and 4 were created (and paid) again.
		const sceneIds = (out.json.scenes as Array<{ taskId: string }>).map((s) => s.taskId);
		expect(sceneIds.slice(0, 2)).toEqual([tasks[0].id, tasks[1].id]);
		expect(sceneIds.slice(2)).toEqual([tasks[3].id, tasks[4].id]);
		expect(tasks[3].parentId).toBe(tasks[1].id);
		expect(paid() - paidFirst).toBe(120);
	});

	it('kie refused scene 3 (402): Retry On Fail starts each try at scene 3; after a top-up, Retry execution pays for 3 and 4 only', async () => {
		// 130 credits: scenes 1 and 2 (60 each) go through, scene 3 is refused.
		fx.sim.configure({ credits: 130 });
		const first = await fx.run(
			[{ scenes: FOUR.join('\n') }],
			scenes({ options: { ...FAST_WAIT, checkBalanceFirst: 'never' } }),
			{ retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		);
		expect(runError(first).message).toMatch(/^Scene 3 of 4 failed: kie.ai error 402/);
		expect(fx.sim.tasks()).toHaveLength(2);
		// Both tries: one generate, scene 2's extend once, scene 3's extend refused twice.
		expect(fx.apiRequests(ENDPOINT.generate)).toHaveLength(1);
		expect(fx.apiRequests(ENDPOINT.extend)).toHaveLength(3);

		fx.sim.configure({ credits: 1000 });
		const retried = await retryExecution(first);
		const [out] = veo3Output(retried);
		const tasks = fx.sim.tasks();
		expect(tasks).toHaveLength(4);
		expect(out.json).toMatchObject({ status: 'success', scenesDone: 4, taskId: tasks[3].id });
		expect(fx.apiRequests(ENDPOINT.generate)).toHaveLength(1);
		expect(tasks.slice(2).reduce((sum, t) => sum + t.creditsCharged, 0)).toBe(120);
	});
});

describe('Max Wait Time per Scene', () => {
	it('bounds each scene, not the video: 4 scenes of 200 ms each finish under a 0.6 s wait', async () => {
		fx.sim.configure({ renderMs: 200 });
		const run = await fx.run(
			[{ scenes: FOUR.join('\n') }],
			scenes({ options: { ...FAST_WAIT, maxWaitMinutes: 0.01 } }),
		);
		const [out] = veo3Output(run);
		expect(out.json).toMatchObject({ status: 'success', scenesDone: 4 });
		const tasks = fx.sim.tasks();
		// The whole chain took longer than one scene's wait.
		expect(tasks[3].completedAt! - tasks[0].createdAt).toBeGreaterThan(600);
	});

	it('a scene that outlasts it ends the video as a timeout, naming the scene and its task', async () => {
		// [slow] renders 5 × 200 ms = 1 s, over the 0.6 s wait.
		fx.sim.configure({ renderMs: 200 });
		const list = [FOUR[0], `${FOUR[1]} [slow]`, FOUR[2]];
		const first = await fx.run(
			[{ scenes: list.join('\n') }],
			scenes({ options: { ...FAST_WAIT, maxWaitMinutes: 0.01 } }),
			{ onError: 'continueRegularOutput' },
		);
		const [timedOut] = veo3Output(first);
		const slow = fx.sim.tasks()[1];
		expect(timedOut.json).toMatchObject({
			status: 'timeout',
			failedScene: 2,
			taskId: slow.id,
			scenesDone: 1,
		});
		expect(fx.sim.tasks()).toHaveLength(2);
	});

	it('Retry execution after a timed-out scene waits for that same task, then goes on', async () => {
		fx.sim.configure({ renderMs: 200 });
		const list = [FOUR[0], `${FOUR[1]} [slow]`, FOUR[2]];
		const first = await fx.run(
			[{ scenes: list.join('\n') }],
			scenes({ options: { ...FAST_WAIT, maxWaitMinutes: 0.01 } }),
		);
		expect(runError(first).message).toMatch(/^Scene 2 of 3 failed: .*not finished/);
		const retried = await retryExecution(first);
		const [out] = veo3Output(retried);
		const tasks = fx.sim.tasks();
		expect(tasks).toHaveLength(3);
		expect(out.json).toMatchObject({ status: 'success', scenesDone: 3, taskId: tasks[2].id });
		expect(tasks[2].parentId).toBe(tasks[1].id);
	});
});

describe('validation sends nothing', () => {
	const cases: Array<[string, IDataObject, IDataObject, RegExp]> = [
		['an empty list', { scenes: '\n \n' }, {}, /Invalid "Scenes": no scene given/],
		[
			'22 scenes',
			{ scenes: Array.from({ length: 22 }, (_, i) => `scene ${i}`).join('\n') },
			{},
			/22 scenes given/,
		],
		[
			'a scene of 5001 characters',
			{ scenes: `ok\n${'x'.repeat(5001)}` },
			{},
			/scene 2 is 5001 characters long/,
		],
		["Don't Wait", { scenes: 'a\nb' }, { waitMode: 'none' }, /Invalid "Wait Mode"/],
		[
			'an unknown extension tier',
			{ scenes: 'a\nb' },
			{ extendModel: 'ultra' },
			/Invalid "Extension Model"/,
		],
		['a bad seed', { scenes: 'a\nb' }, { options: { ...FAST_WAIT, seed: 5 } }, /Invalid "Seed"/],
		[
			'reference images with Quality',
			{ scenes: 'a\nb' },
			{ mode: 'reference', model: 'veo3', imageUrls: 'https://example.com/a.png' },
			/does not support Reference/,
		],
	];
	it.each(cases)('%s', async (_label, item, extra, message) => {
		const run = await fx.run([item], { ...scenes(), ...extra });
		expect(runError(run).message).toMatch(message);
		expect(fx.apiRequests()).toEqual([]);
	});

	it('a duration or resolution from imported JSON is not part of this operation: scene 1 is 8 s at 720p', async () => {
		const run = await fx.run([{ scenes: 'a\nb' }], {
			...scenes(),
			duration: 6,
			options: { ...FAST_WAIT, resolution: '1080p' },
		});
		veo3Output(run);
		expect(fx.apiRequests(ENDPOINT.generate)).toHaveLength(1);
		expect(fx.apiRequests().some((r) => r.endpoint.includes('jobs'))).toBe(false);
		expect(fx.sim.tasks().map((t) => [t.kind, t.resolution])).toEqual([
			['generate', '720p'],
			['extend', '720p'],
		]);
	});

	it('grouped rows with a repeated scene number or a missing prompt: refused before anything is sent', async () => {
		const rows = [
			{ video: 'v', scene: 1, prompt: 'one' },
			{ video: 'v', scene: 1, prompt: 'again' },
		];
		const run = await fx.run(rows, { ...scenes(), sceneSource: 'items' });
		expect(runError(run).message).toMatch(
			/Invalid "Scene Order Field": items 0 and 1 are both scene 1/,
		);
		const noPrompt = await fx.run([{ video: 'v', scene: 1 }], {
			...scenes(),
			sceneSource: 'items',
		});
		expect(runError(noPrompt).message).toMatch(/Prompt Field \("prompt"\)/);
		expect(fx.apiRequests()).toEqual([]);
	});

	it('with Continue On Fail, an invalid video fails alone and the valid one is made', async () => {
		const run = await fx.run([{ scenes: '' }, { scenes: 'a\nb' }], scenes(), {
			onError: 'continueRegularOutput',
		});
		const out = veo3Output(run);
		expect(out[0].json.error).toMatch(/Scenes/);
		expect(out[1].json).toMatchObject({ status: 'success', sceneCount: 2 });
		expect(fx.sim.tasks()).toHaveLength(2);
	});
});

describe('as an AI agent tool', () => {
	it('"make a 24-second video of these three scenes": one answer with the final URL', async () => {
		const nodes = [
			node('Items', ITEMS_TYPE, {
				items: JSON.stringify([{ scenes: 'a red kite\nthe kite climbs\nthe kite lands' }]),
			}),
			node('Veo3', VEO3_TOOL_TYPE, {
				...scenes(),
				scenes: "={{ $fromAI('scenes', 'the scene prompts, one per line', 'string') }}",
				options: { pollIntervalSeconds: 0.05 },
			}),
		];
		const connections: IConnections = {
			Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] },
		};
		const run = await runWorkflow({ nodes, connections, credentials: fx.creds() });
		const [answer] = veo3Output(run);
		const tasks = fx.sim.tasks();
		expect(tasks).toHaveLength(3);
		expect(answer.binary).toBeUndefined();
		expect(answer.json).toMatchObject({
			status: 'success',
			taskId: tasks[2].id,
			videoUrl: expect.stringContaining(`${tasks[2].id}_0_full`),
			sceneCount: 3,
			scenesDone: 3,
			estimatedCredits: 180,
		});
	});

	it("the tool's default cap refuses a chain that would cost more, sending nothing", async () => {
		const nodes = [
			node('Items', ITEMS_TYPE, { items: JSON.stringify([{ scenes: 'a\nb\nc' }]) }),
			node('Veo3', VEO3_TOOL_TYPE, {
				...scenes(),
				model: 'veo3',
				scenes: "={{ $fromAI('scenes', 'the scene prompts', 'string') }}",
			}),
		];
		const connections: IConnections = {
			Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] },
		};
		const run = await runWorkflow({ nodes, connections, credentials: fx.creds() });
		const [answer] = veo3Output(run);
		expect(answer.json.status).toBe('refused');
		expect(String(answer.json.message)).toContain('750 credits');
		expect(fx.apiRequests()).toEqual([]);
	});
});

describe('Deduplicate By', () => {
	/** A production (webhook) run, with the workflow's static data as n8n saves and reloads it. */
	async function production(parameters: IDataObject, staticData?: IDataObject) {
		const run = await runWorkflow({
			nodes: [
				node('Items', ITEMS_TYPE, { items: JSON.stringify([{ scenes: 'a\nb\nc', row: 7 }]) }),
				node('Veo3', VEO3_TYPE, parameters, { id: 'veo3-scenes-node' }),
			],
			connections: { Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] } },
			credentials: fx.creds(),
			mode: 'webhook',
			staticData,
		});
		const data = run.workflow.staticData as IDataObject & { __dataChanged?: boolean };
		return {
			run,
			saved: data.__dataChanged ? (JSON.parse(JSON.stringify(data)) as IDataObject) : staticData,
		};
	}

	it('the same row in a second execution: the finished video is reused, nothing paid', async () => {
		const parameters = scenes({ options: { ...FAST_WAIT, deduplicateBy: '={{ $json.row }}' } });
		const first = await production(parameters);
		const [made] = veo3Output(first.run);
		expect(made.json).toMatchObject({ status: 'success', reused: false, estimatedCredits: 180 });
		const second = await production(parameters, first.saved);
		const [reused] = veo3Output(second.run);
		expect(reused.json).toMatchObject({
			status: 'success',
			reused: true,
			estimatedCredits: 0,
			creditsConsumed: 0,
			taskId: made.json.taskId,
			videoUrl: made.json.videoUrl,
		});
		expect(fx.sim.tasks()).toHaveLength(3);
	});

	it('a video that failed is not remembered: the next execution makes it again', async () => {
		const parameters = scenes({ options: { ...FAST_WAIT, deduplicateBy: '={{ $json.row }}' } });
		fx.sim.configure({ forceOutcome: 'fail' });
		const first = await production(parameters);
		expect(runError(first.run).message).toMatch(/^Scene 1 of 3 failed/);
		fx.sim.configure({ forceOutcome: null });
		const second = await production(parameters, first.saved);
		expect(veo3Output(second.run)[0].json).toMatchObject({ status: 'success', reused: false });
		expect(fx.sim.tasks()).toHaveLength(4);
	});

	it('a finished chain is reused, not paid again, within one batch', async () => {
		const run = await fx.run(
			[
				{ scenes: 'a\nb', key: 'k' },
				{ scenes: 'a\nb', key: 'k' },
			],
			scenes({ options: { deduplicateBy: '={{ $json.key }}' } }),
		);
		const out = veo3Output(run);
		expect(fx.sim.tasks()).toHaveLength(2);
		expect(out[0].json).toMatchObject({ reused: false });
		expect(out[1].json).toMatchObject({
			reused: true,
			estimatedCredits: 0,
			videoUrl: out[0].json.videoUrl,
		});
	});
});
