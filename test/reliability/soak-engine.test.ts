/**
 * The soak's engine cases: what n8n's engine does around the node, under the same faults the main
 * soak injects. One pass at kie's real create limit (20 per 10 s, the node's defaults), Retry On
 * Fail with creates whose answer was lost and with a failing render, a stop while the node waits,
 * and an n8n restart while it polls. Money rules: one paid task per input item, whatever the engine
 * does, and every paid task's ID findable in the saved execution.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { resetRateLimiter } from '../../nodes/kie/transport/rateLimiter';
import { startSimulator, type RunningSimulator } from '../../simulator';
import { itemsThenVeo3, runWorkflow, startWorkflow } from '../harness/engine';
import { credentialsFor, isUncertainCreate, NO_FAULTS, sleep } from './helpers';

jest.setTimeout(120_000);

const API_KEY = 'sk-soak-engine-41c9';
let sim: RunningSimulator;

beforeAll(async () => {
	sim = await startSimulator({
		apiKey: API_KEY,
		profile: 'fast',
		credits: 1_000_000,
		renderMs: 300,
		requestLogSize: 20_000,
	});
});
afterAll(async () => await sim.stop());
beforeEach(() => {
	sim.reset();
	resetRateLimiter();
});

const generate = (options: IDataObject, waitMode = 'poll'): IDataObject => ({
	resource: 'video',
	operation: 'generate',
	prompt: '={{ $json.prompt }}',
	waitMode,
	options,
});
const prompts = (label: string, count: number, failing: number[] = []): IDataObject[] =>
	Array.from({ length: count }, (_, i) => ({
		prompt: `${label} ${i}${failing.includes(i) ? ' [fail]' : ''}`,
	}));
const QUICK = { pollIntervalSeconds: 0.05, maxWaitMinutes: 1 };

/** How many tasks the simulator created for each prompt (each is a paid task). */
function tasksPerPrompt(): Map<string, number> {
	const counts = new Map<string, number>();
	for (const t of sim.tasks()) counts.set(t.prompt, (counts.get(t.prompt) ?? 0) + 1);
	return counts;
}

describe("one pass at kie's real create limit (20 per 10 s)", () => {
	it('45 items with the default limiter: kie never refuses a create, every item succeeds, the limit holds', async () => {
		sim.configure({ rateLimit: { max: 20, windowMs: 10_000 }, faults: NO_FAULTS });
		const items = prompts('real limit', 45);
		const started = Date.now();
		// No rate options: the node's defaults are kie's documented limit.
		const run = await runWorkflow({
			...itemsThenVeo3(items, generate(QUICK)),
			credentials: credentialsFor(sim, API_KEY),
		});
		const wallMs = Date.now() - started;
		expect(run.run.status).toBe('success');
		expect(run.output('Veo3').map((i) => i.json.status)).toEqual(items.map(() => 'success'));
		expect(sim.counters().tasksCreated).toBe(45);
		// kie's own window never had to refuse one.
		expect(sim.counters().rateLimited).toBe(0);
		// 45 creates at 20 per 10 s need two full windows: the limit was really in force.
		expect(wallMs).toBeGreaterThanOrEqual(20_000);
		console.log(
			`Real-limit pass: 45 creates in ${(wallMs / 1000).toFixed(1)} s, ${sim.counters().rateLimited} refused by kie`,
		);
	});
});

describe('Retry On Fail (the engine runs the node again)', () => {
	const retrying = { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 };

	it('creates answered 500 after kie charged them: one paid task per item, and the error says it may exist', async () => {
		sim.configure({
			faults: { ...NO_FAULTS, http500: { rate: 1, scope: 'creates' }, create500AfterCommit: true },
		});
		const items = prompts('retry 500', 3);
		const run = await runWorkflow({
			...itemsThenVeo3(items, generate(QUICK), retrying),
			credentials: credentialsFor(sim, API_KEY),
		});
		expect([...tasksPerPrompt().values()]).toEqual([1, 1, 1]);
		const error = run.run.data.resultData.error;
		expect(`${error?.message} ${error?.description ?? ''}`).toMatch(
			/may (or may not )?have been created/i,
		);
	});

	it('creates whose connection is reset after kie charged them: one paid task per item', async () => {
		sim.configure({ faults: { ...NO_FAULTS, createResetAfterCommitRate: 1 } });
		const items = prompts('retry reset', 3);
		await runWorkflow({
			...itemsThenVeo3(items, generate(QUICK), retrying),
			credentials: credentialsFor(sim, API_KEY),
		});
		expect([...tasksPerPrompt().values()]).toEqual([1, 1, 1]);
	});

	it('a render that fails at kie: one paid task per item, not one per try', async () => {
		const items = prompts('retry render', 3, [1]);
		await runWorkflow({
			...itemsThenVeo3(items, generate(QUICK), retrying),
			credentials: credentialsFor(sim, API_KEY),
		});
		expect([...tasksPerPrompt().values()]).toEqual([1, 1, 1]);
	});

	it('with On Error: Continue as well, every item comes out once and nothing is paid twice', async () => {
		sim.configure({
			faults: { ...NO_FAULTS, http500: { rate: 1, scope: 'creates' }, create500AfterCommit: true },
		});
		const items = prompts('retry continue', 4);
		const run = await runWorkflow({
			...itemsThenVeo3(items, generate(QUICK), { ...retrying, onError: 'continueRegularOutput' }),
			credentials: credentialsFor(sim, API_KEY),
		});
		expect([...tasksPerPrompt().values()]).toEqual([1, 1, 1, 1]);
		expect(run.output('Veo3').map((i: INodeExecutionData) => isUncertainCreate(i))).toEqual([
			true,
			true,
			true,
			true,
		]);
	});
});

describe('stops and restarts while the node waits', () => {
	/** Every task the simulator created, by ID. */
	const createdIds = (): string[] => sim.tasks().map((t) => t.id);

	async function untilCreated(count: number): Promise<void> {
		for (let i = 0; i < 500 && sim.tasks().length < count; i++) await sleep(10);
		expect(sim.tasks()).toHaveLength(count);
	}

	it('stop mid-wait (poll): the stopped execution names every paid task', async () => {
		sim.configure({ renderMs: 600_000, faults: NO_FAULTS });
		const started = await startWorkflow({
			...itemsThenVeo3(prompts('stopped', 10), generate(QUICK)),
			credentials: credentialsFor(sim, API_KEY),
		});
		await untilCreated(10);
		await sleep(200);
		started.cancel();
		const run = await started.done;
		expect(run.run.status).toBe('canceled');
		const saved = JSON.stringify(run.run.data);
		expect(createdIds().filter((id) => !saved.includes(id))).toEqual([]);
	});

	it('stop mid-wait (callback, while submitting): the stopped execution names every paid task', async () => {
		sim.configure({ renderMs: 600_000, faults: NO_FAULTS });
		const started = await startWorkflow({
			...itemsThenVeo3(
				prompts('stopped submit', 30),
				generate({ ...QUICK, rateLimitMax: 10, rateLimitWindowSeconds: 1 }, 'callback'),
			),
			credentials: credentialsFor(sim, API_KEY),
			webhookWaitingBaseUrl: 'http://127.0.0.1:9/webhook-waiting',
		});
		await untilCreated(10);
		// Tasks kie had answered before the stop; a create still on the wire at that moment may be
		// created at kie without its answer ever reaching the node (nothing can name it).
		await sleep(50);
		const answered = createdIds();
		started.cancel();
		const run = await started.done;
		const saved = JSON.stringify(run.run.data);
		expect(answered.length).toBeGreaterThanOrEqual(10);
		expect(answered.filter((id) => !saved.includes(id))).toEqual([]);
	});

	it('restart mid-poll: the execution data n8n holds when its process stops names every paid task', async () => {
		sim.configure({ renderMs: 600_000, faults: NO_FAULTS });
		const started = await startWorkflow({
			...itemsThenVeo3(prompts('restarted', 10), generate(QUICK)),
			credentials: credentialsFor(sim, API_KEY),
		});
		await untilCreated(10);
		await sleep(200);
		// The process goes away while the node polls: no stop reaches the node, nothing more is saved.
		const held = JSON.stringify(started.snapshot());
		started.cancel();
		await started.done;
		expect(createdIds().filter((id) => !held.includes(id))).toEqual([]);
	});
});
