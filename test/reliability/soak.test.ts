/**
 * Soak under faults: 500 paid tasks through the in-process n8n engine against the simulator with
 * seeded fault injection (creates answered 500 or reset after kie charged them, read errors, 429
 * bursts, lost and duplicated callbacks), in both waiting modes at once (4 poll batches of 100 and
 * 20 callback batches of 5). Every input item must end as exactly one success or one explicit error
 * item (a create whose answer was lost says the task may have been created), the simulator must have
 * created exactly one task per item, every execution must end by its configured limit, each
 * callback execution must be resumed exactly once, and only a lost callback may explain a timeout.
 */
import axios from 'axios';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { resetRateLimiter } from '../../nodes/kie/transport/rateLimiter';
import { startSimulator, type RunningSimulator } from '../../simulator';
import {
	itemsThenVeo3,
	node,
	runWorkflow,
	VEO3_TYPE,
	ITEMS_TYPE,
	type HarnessRun,
} from '../harness/engine';
import { CallbackServer } from '../harness/webhooks';
import {
	classify,
	credentialsFor,
	inputIndexOf,
	isUncertainCreate,
	NO_FAULTS,
	recordCallbackDeliveries,
	requestFigures,
	SCALED_OPTIONS,
	SCALED_TUNING,
	settleParked,
	SOAK_FAULTS,
	SOAK_SEED,
	type CallbackDelivery,
	type ParkedOutcome,
} from './helpers';

jest.setTimeout(120_000);

const API_KEY = 'sk-soak-5e1d0c';
const HMAC = 'hmac-soak-90b2';
const POLL_BATCHES = 4;
const POLL_SIZE = 100;
const CALLBACK_BATCHES = 20;
const CALLBACK_SIZE = 5;
/** Callback batches give up after 15 s (n8n then resumes them through the wait-timeout path). */
const CALLBACK_MAX_WAIT_MINUTES = 0.25;

let sim: RunningSimulator;
let server: CallbackServer;
let recorder: ReturnType<typeof recordCallbackDeliveries>;

beforeAll(async () => {
	resetRateLimiter();
	sim = await startSimulator({
		apiKey: API_KEY,
		hmacKey: HMAC,
		profile: 'fast',
		seed: SOAK_SEED,
		credits: 1_000_000,
		renderMs: 400,
		// kie retries a callback 3 times; spaced so an execution still being parked is found later.
		callbackRetryDelayMs: 200,
		requestLogSize: 200_000,
		// The node's own limiter is raised for the soak (SCALED_OPTIONS); kie's window likewise.
		rateLimit: { max: 10_000, windowMs: 1000 },
		faults: SOAK_FAULTS,
	});
	server = new CallbackServer();
	await server.start();
	recorder = recordCallbackDeliveries();
});

afterAll(async () => {
	recorder.restore();
	await server.stop();
	await sim.stop();
});

type Expected = 'success' | 'failed';

interface SoakItem {
	prompt: string;
	expected: Expected;
}

/** Every 20th item renders and fails at kie ([fail], code 501), every 25th is refused by content policy. */
function soakItem(batch: string, index: number, global: number): SoakItem {
	if (global % 20 === 7) return { prompt: `soak ${batch}-${index} [fail]`, expected: 'failed' };
	if (global % 25 === 11)
		return { prompt: `soak ${batch}-${index} [content-policy]`, expected: 'failed' };
	return { prompt: `soak ${batch}-${index}`, expected: 'success' };
}

interface BatchResult {
	name: string;
	mode: 'poll' | 'callback';
	items: SoakItem[];
	output: INodeExecutionData[];
	run: HarnessRun;
	parked?: ParkedOutcome;
	executionId: string;
	maxWaitMs: number;
	startedAt: number;
	endedAt: number;
}

const generate = (waitMode: 'poll' | 'callback', options: IDataObject): IDataObject => ({
	resource: 'video',
	operation: 'generate',
	prompt: '={{ $json.prompt }}',
	waitMode,
	...SCALED_TUNING,
	options,
});

async function runPollBatch(name: string, items: SoakItem[]): Promise<BatchResult> {
	const startedAt = Date.now();
	const run = await runWorkflow({
		...itemsThenVeo3(
			items.map((i) => ({ prompt: i.prompt })),
			generate('poll', SCALED_OPTIONS),
			{ onError: 'continueRegularOutput' },
		),
		credentials: credentialsFor(sim, API_KEY, HMAC),
	});
	const maxWaitMs = Number(SCALED_OPTIONS.maxWaitMinutes) * 60_000;
	return {
		name,
		mode: 'poll',
		items,
		output: run.output('Veo3'),
		run,
		executionId: run.executionId,
		maxWaitMs,
		startedAt,
		endedAt: Date.now(),
	};
}

async function runCallbackBatch(name: string, items: SoakItem[]): Promise<BatchResult> {
	const startedAt = Date.now();
	const options = { ...SCALED_OPTIONS, maxWaitMinutes: CALLBACK_MAX_WAIT_MINUTES };
	const parkedRun = await runWorkflow({
		...itemsThenVeo3(
			items.map((i) => ({ prompt: i.prompt })),
			generate('callback', options),
			{ onError: 'continueRegularOutput' },
		),
		credentials: credentialsFor(sim, API_KEY, HMAC),
		webhookWaitingBaseUrl: server.waitingBaseUrl,
	});
	if (parkedRun.run.status === 'success' && parkedRun.output('Veo3').every(isUncertainCreate)) {
		// Every create of the batch lost its answer: nothing to wait for, nothing parked.
		return {
			name,
			mode: 'callback',
			items,
			output: parkedRun.output('Veo3'),
			run: parkedRun,
			executionId: parkedRun.executionId,
			maxWaitMs: 0,
			startedAt,
			endedAt: Date.now(),
		};
	}
	if (parkedRun.run.status !== 'waiting') {
		throw new Error(
			`${name}: expected the execution to wait, got ${parkedRun.run.status}: ${JSON.stringify(parkedRun.run.data.resultData.error ?? null)}`,
		);
	}
	server.park(parkedRun);
	const parked = await settleParked(server, parkedRun);
	return {
		name,
		mode: 'callback',
		items,
		output: parked.run.output('Veo3'),
		run: parked.run,
		parked,
		executionId: parkedRun.executionId,
		maxWaitMs: CALLBACK_MAX_WAIT_MINUTES * 60_000,
		startedAt,
		endedAt: Date.now(),
	};
}

describe('soak: 500 tasks under seeded faults, poll and callback waiting', () => {
	let batches: BatchResult[];
	let wallMs: number;
	const figures: IDataObject = {};

	beforeAll(async () => {
		let global = 0;
		const plan: Array<{ name: string; mode: 'poll' | 'callback'; items: SoakItem[] }> = [];
		for (let b = 0; b < POLL_BATCHES; b++) {
			plan.push({
				name: `poll-${b}`,
				mode: 'poll',
				items: Array.from({ length: POLL_SIZE }, (_, i) => soakItem(`poll${b}`, i, global++)),
			});
		}
		for (let b = 0; b < CALLBACK_BATCHES; b++) {
			plan.push({
				name: `callback-${b}`,
				mode: 'callback',
				items: Array.from({ length: CALLBACK_SIZE }, (_, i) => soakItem(`cb${b}`, i, global++)),
			});
		}
		const started = Date.now();
		// All 24 executions at once: 500 tasks in flight against one simulator.
		batches = await Promise.all(
			plan.map(async (p) =>
				p.mode === 'poll'
					? await runPollBatch(p.name, p.items)
					: await runCallbackBatch(p.name, p.items),
			),
		);
		wallMs = Date.now() - started;
	});

	it('ran with the faults actually injected', () => {
		const c = sim.counters();
		expect(c.faults.http500).toBeGreaterThan(0);
		expect(c.faults.slow).toBeGreaterThan(0);
		expect(c.faults.burst429).toBeGreaterThan(0);
		expect(c.faults.createResets).toBeGreaterThan(0);
		expect(requestFigures(sim.requests()).create500s).toBeGreaterThan(0);
		expect(c.callbacksDropped).toBeGreaterThan(0);
		expect(c.callbacksDuplicated).toBeGreaterThan(0);
	});

	it('every input item ends as exactly one success or one explicit error item with its task ID', () => {
		const problems: string[] = [];
		let uncertainItems = 0;
		for (const batch of batches) {
			const prompts = batch.items.map((i) => i.prompt);
			if (batch.output.length !== batch.items.length)
				problems.push(
					`${batch.name}: ${batch.output.length} output items for ${batch.items.length} inputs`,
				);
			const seen = new Map<number, number>();
			for (const item of batch.output) {
				const index = inputIndexOf(item, prompts);
				seen.set(index, (seen.get(index) ?? 0) + 1);
				const outcome = classify(item);
				const expected = batch.items[index]?.expected;
				if (outcome.kind === 'unclear') {
					problems.push(
						`${batch.name}#${index}: neither success nor explicit error: ${JSON.stringify(outcome.json).slice(0, 300)}`,
					);
					continue;
				}
				if (isUncertainCreate(item)) {
					// The create's answer was lost (500 after commit, connection reset): an explicit error.
					uncertainItems++;
					continue;
				}
				if (!outcome.taskId)
					problems.push(`${batch.name}#${index}: no taskId on ${outcome.kind} item`);
				const timedOut = batch.parked?.via === 'timeout';
				if (timedOut) {
					// The whole batch came out through n8n's wait timeout: explicit timeout items.
					if (outcome.kind !== 'error' || outcome.status !== 'timeout')
						problems.push(
							`${batch.name}#${index}: expected a timeout item, got ${JSON.stringify(outcome.json).slice(0, 200)}`,
						);
					continue;
				}
				if (expected === 'success' && outcome.kind !== 'success')
					problems.push(
						`${batch.name}#${index}: expected success, got ${JSON.stringify(outcome.json).slice(0, 300)}`,
					);
				if (expected === 'failed' && !(outcome.kind === 'error' && outcome.status === 'failed')) {
					problems.push(
						`${batch.name}#${index}: expected a failed-task item, got ${JSON.stringify(outcome.json).slice(0, 300)}`,
					);
				}
				if (batch.mode === 'poll' && outcome.kind === 'success') {
					const binary = item.binary?.data;
					if (!binary || binary.mimeType !== 'video/mp4')
						problems.push(`${batch.name}#${index}: success without the downloaded MP4`);
				}
			}
			for (let i = 0; i < batch.items.length; i++) {
				if (seen.get(i) !== 1)
					problems.push(`${batch.name}#${i}: ${seen.get(i) ?? 0} output items`);
			}
		}
		expect(problems).toEqual([]);
		// Exactly the creates whose answer kie lost say so; no other item may claim it.
		expect(uncertainItems).toBe(
			requestFigures(sim.requests()).create500s + sim.counters().faults.createResets,
		);
	});

	it('the simulator created exactly one task per item: nothing charged twice, nothing lost', () => {
		const total = POLL_BATCHES * POLL_SIZE + CALLBACK_BATCHES * CALLBACK_SIZE;
		expect(sim.counters().tasksCreated).toBe(total);
		const tasks = sim.tasks();
		const perPrompt = new Map<string, number>();
		for (const t of tasks) perPrompt.set(t.prompt, (perPrompt.get(t.prompt) ?? 0) + 1);
		const allPrompts = batches.flatMap((b) => b.items.map((i) => i.prompt));
		expect(allPrompts.filter((p) => perPrompt.get(p) !== 1)).toEqual([]);
		expect(perPrompt.size).toBe(total);
		// Each output item names the task that was created for its own prompt.
		const promptOfTask = new Map(tasks.map((t) => [t.id, t.prompt]));
		const mismatched = batches.flatMap((b) => {
			const prompts = b.items.map((i) => i.prompt);
			return b.output
				.filter((item) => !isUncertainCreate(item))
				.filter(
					(item) =>
						promptOfTask.get(String(item.json.taskId)) !== prompts[inputIndexOf(item, prompts)],
				)
				.map((item) => `${b.name}: ${String(item.json.taskId)}`);
		});
		expect(mismatched).toEqual([]);
	});

	it('no execution is left hanging past its configured maximum wait', () => {
		for (const batch of batches) {
			if (batch.mode === 'poll') {
				// Poll mode enforces its own limit: the run ends, and no item had to give up.
				expect(batch.run.run.status).toBe('success');
				expect(batch.endedAt - batch.startedAt).toBeLessThan(batch.maxWaitMs);
				expect(batch.output.filter((i) => i.json.status === 'timeout')).toEqual([]);
			} else if (batch.parked) {
				const parked = batch.parked;
				expect(batch.run.run.status).toBe('success');
				// Resumed by a callback before its deadline, or by the wait-timeout path at it.
				if (parked.via === 'callback')
					expect(parked.settledAt).toBeLessThanOrEqual(parked.deadline + 1000);
			}
		}
		// Each callback execution was resumed exactly once, by a callback or by the timeout.
		const parkedBatches = batches.filter((b) => b.parked);
		expect(
			parkedBatches
				.map((b) => [b.name, server.execution(b.executionId).continued])
				.filter(([, n]) => n !== 1),
		).toEqual([]);
		expect(server.finished.size).toBe(parkedBatches.length);
	});

	it('duplicated callbacks resume nothing twice; lost callbacks are covered by a sibling or by the timeout', () => {
		const deliveries = recorder.deliveries;
		const byExecution = new Map<string, CallbackDelivery[]>();
		for (const d of deliveries)
			byExecution.set(d.executionId, [...(byExecution.get(d.executionId) ?? []), d]);
		let resumedWithACallbackMissing = 0;
		for (const batch of batches.filter((b) => b.parked)) {
			const mine = byExecution.get(batch.executionId) ?? [];
			const resumedBy = mine.filter((d) => d.resumed);
			const taskIds = batch.output.flatMap((i) =>
				typeof i.json.taskId === 'string' ? [i.json.taskId] : [],
			);
			// A task is silent when none of its deliveries reached the node at all (kie dropped it).
			const reachedTheNode = new Set(mine.map((d) => d.taskId));
			const silent = taskIds.filter((id) => !reachedTheNode.has(id));
			if (batch.parked?.via === 'callback') {
				expect(resumedBy).toHaveLength(1);
				// A task whose callback was lost (or came only after the resume) was read by a sibling's callback.
				if (silent.length > 0) resumedWithACallbackMissing++;
			} else {
				// Only a task whose callback never reached the node explains a timeout: callbacks that
				// reached it and were answered with an error (a failing re-check) do not.
				expect({
					batch: batch.name,
					resumedBy: resumedBy.length,
					silent: silent.length > 0,
				}).toEqual({ batch: batch.name, resumedBy: 0, silent: true });
			}
		}
		// Every resume came from exactly one delivery, however many copies kie sent.
		expect(deliveries.filter((d) => d.resumed)).toHaveLength(
			batches.filter((b) => b.parked?.via === 'callback').length,
		);
		expect(server.triggerStarts).toHaveLength(0);
		figures.resumedWithACallbackMissing = resumedWithACallbackMissing;
	});

	afterAll(() => {
		if (!batches) return;
		const c = sim.counters();
		const req = requestFigures(sim.requests());
		const outcomes = batches.flatMap((b) => b.output.map((i) => classify(i)));
		const summary = {
			seed: SOAK_SEED,
			tasks: c.tasksCreated,
			items: outcomes.length,
			successes: outcomes.filter((o) => o.kind === 'success').length,
			failedTaskItems: outcomes.filter((o) => o.kind === 'error' && o.status === 'failed').length,
			timeoutItems: outcomes.filter((o) => o.kind === 'error' && o.status === 'timeout').length,
			pollBatches: POLL_BATCHES,
			callbackBatches: CALLBACK_BATCHES,
			callbackBatchesResumedByCallback: batches.filter((b) => b.parked?.via === 'callback').length,
			callbackBatchesResumedByTimeout: batches.filter((b) => b.parked?.via === 'timeout').length,
			callbackBatchesResumedWithACallbackMissing: figures.resumedWithACallbackMissing ?? null,
			faultsInjected: {
				http500: c.faults.http500,
				slow: c.faults.slow,
				burst429: c.faults.burst429,
				callbacksDropped: c.callbacksDropped,
				callbacksDuplicated: c.callbacksDuplicated,
			},
			createRequests: req.createRequests,
			createRetriesAfter429: req.createRetries,
			statusReads: req.statusReads,
			statusReadRetries: req.readRetries,
			apiRequests: req.apiRequests,
			fileDownloads: req.fileDownloads,
			callbackDeliveriesToNode: recorder.deliveries.length,
			wallSeconds: Math.round(wallMs / 100) / 10,
		};
		console.log(`Soak figures (docs/reliability.md):\n${JSON.stringify(summary, null, 2)}`);
	});
});

describe('callback edge cases of the soak, one at a time', () => {
	const options = { ...SCALED_OPTIONS, maxWaitMinutes: 0.03 };

	beforeEach(() => {
		sim.reset();
		sim.configure({ renderMs: 100, faults: { ...NO_FAULTS, dropCallbackRate: 1 } });
		resetRateLimiter();
	});

	async function parkBatch(prompts: string[]): Promise<HarnessRun> {
		const run = await runWorkflow({
			...itemsThenVeo3(
				prompts.map((prompt) => ({ prompt })),
				generate('callback', options),
				{ onError: 'continueRegularOutput' },
			),
			credentials: credentialsFor(sim, API_KEY, HMAC),
			webhookWaitingBaseUrl: server.waitingBaseUrl,
		});
		expect(run.run.status).toBe('waiting');
		server.park(run);
		return run;
	}

	async function allFinished(count: number): Promise<string[]> {
		for (;;) {
			const tasks = sim.tasks();
			if (tasks.length === count && tasks.every((t) => t.state !== 'generating'))
				return tasks.map((t) => t.id);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	}

	it('a lost callback is covered by another task of the same batch: its callback re-checks every task', async () => {
		const run = await parkBatch(['lost a', 'lost b', 'lost c']);
		const [first, second, third] = await allFinished(3);
		expect(sim.counters().callbacksDropped).toBe(3);
		// kie lost the callbacks of the first two tasks; only the third one arrives.
		const sent = await axios.post(`${sim.controlUrl}/tasks/${third}/callback`, {});
		expect(sent.data.sent).toBe(1);
		const outcome = await settleParked(server, run);
		expect(outcome.via).toBe('callback');
		expect(outcome.run.output('Veo3').map((i) => [i.json.taskId, i.json.status])).toEqual([
			[first, 'success'],
			[second, 'success'],
			[third, 'success'],
		]);
		expect(server.execution(run.executionId).continued).toBe(1);
	});

	it('when every callback is lost, the timeout path resumes once with explicit timeout items; a late callback resumes nothing', async () => {
		const run = await parkBatch(['silent a', 'silent b']);
		const ids = await allFinished(2);
		const outcome = await settleParked(server, run);
		expect(outcome.via).toBe('timeout');
		const items = outcome.run.output('Veo3');
		expect(items.map((i) => [i.json.prompt, i.json.taskId, i.json.status])).toEqual([
			['silent a', ids[0], 'timeout'],
			['silent b', ids[1], 'timeout'],
		]);
		expect(
			items.every((i) => /No callback from kie\.ai within/.test(String(i.json.errorMessage))),
		).toBe(true);
		const before = recorder.deliveries.length;
		const late = await axios.post(`${sim.controlUrl}/tasks/${ids[0]}/callback`, {});
		expect(late.data.sent).toBe(1);
		await new Promise((resolve) => setTimeout(resolve, 300));
		// The execution is over: the late callback is refused before reaching the node.
		expect(recorder.deliveries.length).toBe(before);
		const answered = server.log.filter((l) => l.path.includes(run.executionId));
		expect(answered.length).toBeGreaterThan(0);
		expect(answered.filter((l) => l.status !== 409)).toEqual([]);
		expect(server.execution(run.executionId).continued).toBe(1);
	});

	it('four simultaneous copies of the completing callback resume the execution once', async () => {
		const run = await parkBatch(['dup a']);
		const [id] = await allFinished(1);
		const sent = await axios.post(`${sim.controlUrl}/tasks/${id}/callback`, { duplicate: 3 });
		expect(sent.data.sent).toBe(4);
		const outcome = await settleParked(server, run);
		expect(outcome.via).toBe('callback');
		await new Promise((resolve) => setTimeout(resolve, 300));
		const mine = recorder.deliveries.filter((d) => d.executionId === run.executionId);
		expect(mine.filter((d) => d.resumed)).toHaveLength(1);
		expect(server.execution(run.executionId).continued).toBe(1);
		expect(outcome.run.output('Veo3').map((i) => i.json.status)).toEqual(['success']);
	});

	it('Veo3 Trigger: every callback delivered twice starts exactly one run per task', async () => {
		sim.configure({ faults: { ...NO_FAULTS, duplicateCallbackRate: 1 } });
		server.useTrigger(
			{ events: ['success', 'failure', 'fourK'] },
			credentialsFor(sim, API_KEY, HMAC),
		);
		const prompts = Array.from({ length: 10 }, (_, i) => ({
			prompt: `trigger ${i}${i === 3 ? ' [fail]' : ''}`,
		}));
		const run = await runWorkflow({
			nodes: [
				node('Items', ITEMS_TYPE, { items: JSON.stringify(prompts) }),
				node('Veo3', VEO3_TYPE, {
					...generate('poll', { ...SCALED_OPTIONS, callbackUrl: server.triggerUrl }),
					waitMode: 'none',
				}),
			],
			connections: { Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] } },
			credentials: credentialsFor(sim, API_KEY, HMAC),
		});
		expect(run.run.status).toBe('success');
		const ids = run.output('Veo3').map((i) => String(i.json.taskId));
		await allFinished(10);
		// Wait until every copy was answered by the trigger.
		for (let i = 0; i < 100 && sim.counters().callbacksDelivered < 20; i++)
			await new Promise((resolve) => setTimeout(resolve, 20));
		expect(sim.counters().callbacksDuplicated).toBe(10);
		expect(sim.counters().callbacksDelivered).toBe(20);
		const started = server.triggerStarts.map((s) => s.outputs[0][0].json);
		expect(started.map((j) => j.taskId).sort()).toEqual([...ids].sort());
		expect(started.filter((j) => j.event === 'failure')).toHaveLength(1);
	});
});
