/**
 * Spending control through real workflows (n8n-core's engine) against the simulator: estimates on
 * every item, the cap per execution (also across loop rounds), the balance check, and reuse of
 * tasks by key across production executions ("Deduplicate By").
 */
import type { IConnections, IDataObject } from 'n8n-workflow';

import { PRICE_TABLE } from '../../nodes/Veo3/money/prices';
import { REUSE_FIELD, forgetProcessMemory } from '../../nodes/Veo3/money/reuseMemory';
import {
	ITEMS_TYPE,
	LOOP_TYPE,
	node,
	runWorkflow,
	startWorkflow,
	VEO3_TYPE,
	type HarnessRun,
} from '../harness/engine';
import { ENDPOINT, FAST_WAIT, runError, sleep, until, useSimulator, veo3Output } from './helpers';

const fx = useSimulator('sk-spend-7a21c0');
beforeEach(() => forgetProcessMemory());

const generate = (options: IDataObject = {}, extra: IDataObject = {}) => ({
	resource: 'video',
	operation: 'generate',
	prompt: '={{ $json.prompt }}',
	waitMode: 'none',
	...extra,
	options: { ...FAST_WAIT, ...options },
});
const prompts = (n: number) =>
	Array.from({ length: n }, (_, i) => ({ prompt: `shot ${i + 1}`, row: i + 1 }));
const creates = () => fx.apiRequests(ENDPOINT.generate).length;

describe('estimatedCredits on every item', () => {
	const models = Object.keys(PRICE_TABLE.generate) as Array<keyof typeof PRICE_TABLE.generate>;
	const cells = models.flatMap((model) =>
		(['720p', '1080p', '4k'] as const).map((resolution) => [model, resolution] as const),
	);

	it.each(cells)('Generate %s at %s carries the table price', async (model, resolution) => {
		const [item] = veo3Output(
			await fx.run([{ prompt: 'a red kite' }], generate({ resolution }, { model })),
		);
		expect(item.json.estimatedCredits).toBe(PRICE_TABLE.generate[model][resolution]);
		expect(creates()).toBe(1);
	});

	it("Generate without a resolution is priced at 720p (kie's default)", async () => {
		const [item] = veo3Output(
			await fx.run([{ prompt: 'a red kite' }], generate({}, { model: 'veo3' })),
		);
		expect(item.json.estimatedCredits).toBe(PRICE_TABLE.generate.veo3['720p']);
	});

	it.each(['fast', 'lite', 'quality'] as const)(
		'Extend (%s) carries the table price',
		async (extendModel) => {
			const parent = await fx.finishedTask();
			const [item] = veo3Output(
				await fx.run([{}], {
					resource: 'video',
					operation: 'extend',
					taskId: parent,
					prompt: 'more',
					extendModel,
					waitMode: 'none',
					options: FAST_WAIT,
				}),
			);
			expect(item.json.estimatedCredits).toBe(PRICE_TABLE.extend[extendModel]);
		},
	);

	it('Get 4K (poll, finished) and Get 1080p carry theirs', async () => {
		const taskId = await fx.finishedTask();
		fx.sim.configure({ fourKMs: 50 });
		const [fourK] = veo3Output(
			await fx.run([{}], {
				resource: 'video',
				operation: 'get4k',
				taskId,
				waitMode: 'poll',
				downloadVideo: false,
				options: FAST_WAIT,
			}),
		);
		expect(fourK.json).toMatchObject({ status: 'success', estimatedCredits: PRICE_TABLE.get4k });
		const [hd] = veo3Output(
			await fx.run([{}], {
				resource: 'video',
				operation: 'get1080p',
				taskId,
				downloadVideo: false,
				options: { pollIntervalSeconds: 0.05 },
			}),
		);
		expect(hd.json).toMatchObject({ status: 'success', estimatedCredits: PRICE_TABLE.get1080p });
	});

	it('poll mode: the finished item keeps its estimate', async () => {
		const [item] = veo3Output(
			await fx.run(
				[{ prompt: 'a red kite' }],
				generate(
					{ resolution: '1080p' },
					{ model: 'veo3_lite', waitMode: 'poll', downloadVideo: false },
				),
			),
		);
		expect(item.json).toMatchObject({ status: 'success', estimatedCredits: 35 });
	});
});

describe('Max Credits per Execution', () => {
	it('a batch over the cap sends nothing and names estimate, cap and item count', async () => {
		const error = runError(await fx.run(prompts(5), generate({ maxCreditsPerExecution: 250 })));
		expect(error.message).toBe(
			'Spending cap reached: this batch of 5 paid requests is estimated at 300 credits, over the Max Credits per Execution of 250. Nothing was sent.',
		);
		expect(fx.apiRequests()).toEqual([]);
	});

	it('a batch at the cap runs; empty means no cap', async () => {
		veo3Output(await fx.run(prompts(5), generate({ maxCreditsPerExecution: 300 })));
		expect(creates()).toBe(5);
		veo3Output(await fx.run(prompts(2), generate({ maxCreditsPerExecution: '' })));
		expect(creates()).toBe(7);
	});

	it("n8n's Retry On Fail repeats the same round: its tries are not counted twice against the cap", async () => {
		// 2 × 60 = 120 = the cap. A failed render fails the node, and n8n runs it again (same run index):
		// the retry must meet the render failure again, not a spending-cap refusal.
		const items = [{ prompt: 'a calm lake' }, { prompt: 'a storm [fail]' }];
		const run = await fx.run(
			items,
			generate({ maxCreditsPerExecution: 120 }, { waitMode: 'poll', downloadVideo: false }),
			{ retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		);
		const error = runError(run);
		expect(error.message).toMatch(/failed at kie.ai/);
		expect(error.message).not.toMatch(/Spending cap/);
	});

	it('an invalid cap is refused by name before anything is sent', async () => {
		const error = runError(await fx.run(prompts(1), generate({ maxCreditsPerExecution: 'lots' })));
		expect(error.message).toBe(
			'Invalid "Max Credits per Execution": "lots" is not a number of credits',
		);
		expect(fx.apiRequests()).toEqual([]);
	});

	it('in a loop, the round that would cross the cap stops before its creates', async () => {
		// 2 prompts per round at 60 credits: rounds 1 and 2 spend 240, round 3 would reach 360 > 300.
		const nodes = [
			node('Items', ITEMS_TYPE, { items: JSON.stringify(prompts(6)) }),
			node('Loop', LOOP_TYPE, { batchSize: 2 }),
			node('Veo3', VEO3_TYPE, generate({ maxCreditsPerExecution: 300 })),
		];
		const connections = {
			Items: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
			Loop: { main: [[], [{ node: 'Veo3', type: 'main', index: 0 }]] },
			Veo3: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
		} as IConnections;
		const run = await runWorkflow({ nodes, connections, credentials: fx.creds() });
		const error = runError(run);
		expect(error.message).toBe(
			'Spending cap reached: this batch of 2 paid requests is estimated at 120 credits (plus 240 already spent by this node in this execution), over the Max Credits per Execution of 300. Nothing was sent.',
		);
		expect(creates()).toBe(4);
		expect(run.run.data.resultData.runData.Veo3).toHaveLength(3);
	});
});

describe('Check Balance First', () => {
	it('a balance that covers 3 of 5 items: no create, says so', async () => {
		fx.sim.configure({ credits: 200 });
		const error = runError(await fx.run(prompts(5), generate()));
		expect(error.message).toBe(
			'Not enough kie.ai credits: this batch of 5 paid requests is estimated at 300 credits, but the balance is 200 credits, which covers 3 of the 5 items. Nothing was sent.',
		);
		expect(fx.apiRequests().map((r) => r.endpoint)).toEqual([ENDPOINT.credit]);
	});

	it('one free read per batch; none for a single item unless Always; Never skips it', async () => {
		veo3Output(await fx.run(prompts(2), generate()));
		veo3Output(await fx.run(prompts(1), generate()));
		expect(fx.apiRequests(ENDPOINT.credit)).toHaveLength(1);
		veo3Output(await fx.run(prompts(1), generate({ checkBalanceFirst: 'always' })));
		expect(fx.apiRequests(ENDPOINT.credit)).toHaveLength(2);
		fx.sim.configure({ credits: 100 });
		// Never: kie refuses the item it cannot pay for (402); the first was paid.
		const error = runError(await fx.run(prompts(2), generate({ checkBalanceFirst: 'never' })));
		expect(error.message).toMatch(/402/);
		expect(fx.apiRequests(ENDPOINT.credit)).toHaveLength(2);
	});
});

describe('Deduplicate By', () => {
	/** A production (webhook-started) execution with the static data n8n saved after the last one. */
	async function production(
		items: IDataObject[],
		parameters: IDataObject,
		staticData?: IDataObject,
		workflowId?: string,
	): Promise<{ run: HarnessRun; saved: IDataObject | undefined }> {
		const spec = {
			nodes: [
				node('Items', ITEMS_TYPE, { items: JSON.stringify(items) }),
				node('Veo3', VEO3_TYPE, parameters, { id: 'veo3-node' }),
			],
			connections: {
				Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] },
			} as IConnections,
		};
		const run = await runWorkflow({
			...spec,
			credentials: fx.creds(),
			mode: 'webhook',
			staticData,
			workflowId,
		});
		// n8n saves the static data only when it changed (n8n-core: staticData.__dataChanged), as JSON.
		const data = run.workflow.staticData as IDataObject & { __dataChanged?: boolean };
		const saved = data.__dataChanged
			? (JSON.parse(JSON.stringify(data)) as IDataObject)
			: staticData;
		return { run, saved };
	}
	const byRow = (options: IDataObject = {}, extra: IDataObject = {}) =>
		generate({ deduplicateBy: '={{ $json.row }}', ...options }, extra);

	it('the same row in a second execution: one create, the second item reused with the same video', async () => {
		const first = await production(
			[{ prompt: 'a red kite', row: 7 }],
			byRow({}, { waitMode: 'poll', downloadVideo: false }),
		);
		const [created] = veo3Output(first.run);
		expect(created.json).toMatchObject({ status: 'success', reused: false, estimatedCredits: 60 });
		expect(JSON.stringify(first.saved)).not.toContain('a red kite');
		const second = await production(
			[{ prompt: 'a red kite', row: 7 }],
			byRow({}, { waitMode: 'poll', downloadVideo: false }),
			first.saved,
		);
		const [reused] = veo3Output(second.run);
		expect(reused.json).toMatchObject({
			taskId: created.json.taskId,
			status: 'success',
			videoUrl: created.json.videoUrl,
			reused: true,
			estimatedCredits: 0,
		});
		expect(creates()).toBe(1);
	});

	it('two executions with the same key at the same time in one n8n process: one create, the second waits and reuses it', async () => {
		fx.sim.configure({ renderMs: 50 });
		const params = byRow({}, { waitMode: 'none' });
		const [a, b] = await Promise.all([
			production([{ prompt: 'a twin schedule', row: 21 }], params, {}, 'wf-twins'),
			production([{ prompt: 'a twin schedule', row: 21 }], params, {}, 'wf-twins'),
		]);
		expect(creates()).toBe(1);
		const items = [veo3Output(a.run)[0].json, veo3Output(b.run)[0].json];
		expect(items.map((i) => i.taskId)).toEqual([fx.sim.tasks()[0].id, fx.sim.tasks()[0].id]);
		expect(items.map((i) => i.reused).sort()).toEqual([false, true]);
		// Only the item that created carries the notice; the reused one cost nothing.
		const created = items.find((i) => i.reused === false)!;
		expect(created.notice).toMatch(/another process.*may also have created, and paid/);
		expect(items.find((i) => i.reused === true)!.notice).toBeUndefined();
	});

	it('two executions with the same key in two n8n processes (measured: nothing shared but the static data each loaded): both create and pay, both items say so, the last save wins', async () => {
		const params = byRow({}, { waitMode: 'none' });
		const loadedByBoth: IDataObject = {};
		const first = await production(
			[{ prompt: 'a twin worker', row: 22 }],
			params,
			{ ...loadedByBoth },
			'wf-workers',
		);
		forgetProcessMemory(); // the second process never saw the first's memory
		const second = await production(
			[{ prompt: 'a twin worker', row: 22 }],
			params,
			{ ...loadedByBoth },
			'wf-workers',
		);
		expect(creates()).toBe(2);
		expect(fx.sim.counters().creditsSpent).toBe(2 * 60);
		for (const run of [first.run, second.run])
			expect(veo3Output(run)[0].json).toMatchObject({
				reused: false,
				notice: expect.stringMatching(/another process/),
			});
		// Each saved its own copy; the static data n8n keeps is whichever was saved last.
		const remembered = (saved: IDataObject | undefined) =>
			Object.values(
				((saved?.['node:Veo3'] as IDataObject)?.[REUSE_FIELD] ?? {}) as Record<
					string,
					{ taskId: string }
				>,
			).map((e) => e.taskId);
		expect(remembered(first.saved)).toEqual([veo3Output(first.run)[0].json.taskId]);
		expect(remembered(second.saved)).toEqual([veo3Output(second.run)[0].json.taskId]);
	});

	it('a run refused by the spending cap lets a waiting execution with the same key go on and create', async () => {
		const capped = byRow({ maxCreditsPerExecution: 10 }, { waitMode: 'none' });
		const open = byRow({}, { waitMode: 'none' });
		const [refused, created] = await Promise.all([
			production([{ prompt: 'a capped twin', row: 23 }], capped, {}, 'wf-capped'),
			production([{ prompt: 'a capped twin', row: 23 }], open, {}, 'wf-capped'),
		]);
		expect(refused.run.run.status).toBe('error');
		expect(veo3Output(created.run)[0].json).toMatchObject({ reused: false });
		expect(creates()).toBe(1);
	});

	it('Wait for Callback with a reused task: answered at once by the earlier task, nothing parked', async () => {
		const first = await production(
			[{ prompt: 'a red kite', row: 9 }],
			byRow({}, { waitMode: 'poll', downloadVideo: false }),
		);
		const second = await production(
			[{ prompt: 'a red kite', row: 9 }],
			byRow({}, { waitMode: 'callback' }),
			first.saved,
		);
		expect(second.run.run.status).toBe('success');
		expect(veo3Output(second.run)[0].json).toMatchObject({
			taskId: veo3Output(first.run)[0].json.taskId,
			status: 'success',
			reused: true,
		});
		expect(creates()).toBe(1);
	});

	it('stopped while polling: n8n still saves the memory, and running the row again creates nothing', async () => {
		fx.sim.configure({ renderMs: 600_000 });
		const spec = {
			nodes: [
				node('Items', ITEMS_TYPE, {
					items: JSON.stringify([{ prompt: 'an endless sunset', row: 5 }]),
				}),
				node('Veo3', VEO3_TYPE, byRow({}, { waitMode: 'poll' }), { id: 'veo3-node' }),
			],
			connections: {
				Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] },
			} as IConnections,
		};
		const started = await startWorkflow({ ...spec, credentials: fx.creds(), mode: 'webhook' });
		await until(() => fx.apiRequests(ENDPOINT.recordInfo).length >= 1, 5000, 'polling');
		started.cancel();
		const stopped = await started.done;
		expect(stopped.run.status).toBe('canceled');
		// n8n-core hands the static data to the save hook when it changed, also for a stopped run.
		const data = stopped.workflow.staticData as IDataObject & { __dataChanged?: boolean };
		expect(data.__dataChanged).toBe(true);
		const saved = JSON.parse(JSON.stringify(data)) as IDataObject;
		const again = await production([{ prompt: 'an endless sunset', row: 5 }], byRow(), saved);
		expect(veo3Output(again.run)[0].json).toMatchObject({
			taskId: fx.sim.tasks()[0].id,
			status: 'generating',
			reused: true,
		});
		expect(creates()).toBe(1);
	});

	it('the same key twice in one batch: one create, the follower reused', async () => {
		const { run } = await production(
			[
				{ prompt: 'a', row: 1 },
				{ prompt: 'b', row: 2 },
				{ prompt: 'a again', row: 1 },
			],
			byRow(),
		);
		const out = veo3Output(run);
		expect(out.map((i) => i.json.reused)).toEqual([false, false, true]);
		expect(out[2].json.taskId).toBe(out[0].json.taskId);
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(creates()).toBe(2);
	});

	it('a reused item does not count against the cap or the balance', async () => {
		const first = await production(prompts(2), byRow());
		fx.sim.configure({ credits: 60 });
		const second = await production(prompts(3), byRow({ maxCreditsPerExecution: 60 }), first.saved);
		expect(veo3Output(second.run).map((i) => i.json.reused)).toEqual([true, true, false]);
		expect(creates()).toBe(3);
	});

	it('a task that failed is not reused: the row is created again', async () => {
		const first = await production([{ prompt: 'a meteor [fail]', row: 3 }], byRow());
		const failedId = String(veo3Output(first.run)[0].json.taskId);
		await until(() => fx.sim.task(failedId)?.state === 'failed', 5000, 'the render failing');
		const second = await production([{ prompt: 'a meteor', row: 3 }], byRow(), first.saved);
		expect(veo3Output(second.run)[0].json).toMatchObject({ reused: false, estimatedCredits: 60 });
		expect(creates()).toBe(2);
	});

	it('after the Reuse Window the row is created again', async () => {
		const windowDays = 0.3 / 86400; // 300 ms
		const first = await production(
			[{ prompt: 'x', row: 1 }],
			byRow({ reuseWindowDays: windowDays }),
		);
		await sleep(400);
		const second = await production(
			[{ prompt: 'x', row: 1 }],
			byRow({ reuseWindowDays: windowDays }),
			first.saved,
		);
		expect(veo3Output(second.run)[0].json.reused).toBe(false);
		expect(creates()).toBe(2);
	});

	it("remembers in the node's static data, hashed, and n8n sees the change", async () => {
		const { saved } = await production([{ prompt: 'x', row: 'sheet-row-42' }], byRow());
		const entries = (saved?.['node:Veo3'] as IDataObject)[REUSE_FIELD] as Record<
			string,
			IDataObject
		>;
		expect(Object.values(entries)).toEqual([
			{ taskId: expect.any(String), at: expect.any(Number) },
		]);
		expect(JSON.stringify(saved)).not.toContain('sheet-row-42');
	});

	it('Get 4K by key: the second execution reuses the upgrade, kie is asked for one 4K', async () => {
		const source = await fx.finishedTask();
		fx.sim.configure({ fourKMs: 50 });
		const params = {
			resource: 'video',
			operation: 'get4k',
			taskId: source,
			waitMode: 'poll',
			downloadVideo: false,
			options: { ...FAST_WAIT, deduplicateBy: source },
		};
		const first = await production([{}], params);
		const second = await production([{}], params, first.saved);
		expect(veo3Output(second.run)[0].json).toMatchObject({
			taskId: source,
			status: 'success',
			reused: true,
			estimatedCredits: 0,
		});
		expect(fx.sim.counters().fourKJobs).toBe(1);
	});

	it('Extend by key: one extend task for two executions; Extend and Get 4K obey the cap', async () => {
		const parent = await fx.finishedTask();
		const params = {
			resource: 'video',
			operation: 'extend',
			taskId: parent,
			prompt: 'more',
			waitMode: 'none',
			options: { ...FAST_WAIT, deduplicateBy: parent },
		};
		const first = await production([{}], params);
		const second = await production([{}], params, first.saved);
		expect(veo3Output(second.run)[0].json).toMatchObject({
			taskId: veo3Output(first.run)[0].json.taskId,
			reused: true,
		});
		expect(fx.apiRequests(ENDPOINT.extend)).toHaveLength(1);
		const capped = runError(
			await fx.run([{}], { ...params, options: { maxCreditsPerExecution: 59 } }),
		);
		expect(capped.message).toMatch(
			/estimated at 60 credits, over the Max Credits per Execution of 59/,
		);
		const fourK = runError(
			await fx.run([{}], {
				resource: 'video',
				operation: 'get4k',
				taskId: parent,
				waitMode: 'none',
				options: { maxCreditsPerExecution: 100 },
			}),
		);
		expect(fourK.message).toMatch(
			/estimated at 120 credits, over the Max Credits per Execution of 100/,
		);
		expect(fx.apiRequests(ENDPOINT.extend)).toHaveLength(1);
		expect(fx.apiRequests(ENDPOINT.get4k)).toHaveLength(0);
	});
});
