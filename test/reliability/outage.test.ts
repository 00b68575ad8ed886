/**
 * Outages: kie.ai in maintenance (code 455) or unreachable (connections reset or
 * refused) for a while. Reads recover by themselves within the retry budget; paid creates either
 * go through once or fail cleanly, and the simulator never sees a task created twice.
 */
import axios from 'axios';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { resetRateLimiter } from '../../nodes/kie/transport/rateLimiter';
import { startSimulator, type RunningSimulator } from '../../simulator';
import {
	itemsThenVeo3,
	runWorkflow,
	type HarnessCredentials,
	type HarnessRun,
} from '../harness/engine';
import { credentialsFor, sleep } from './helpers';

jest.setTimeout(60_000);

const API_KEY = 'sk-outage-3b7e';
const GENERATE = 'POST /api/v1/veo/generate';
const RECORD_INFO = 'GET /api/v1/veo/record-info';

let sim: RunningSimulator;

beforeAll(async () => {
	sim = await startSimulator({
		apiKey: API_KEY,
		profile: 'fast',
		renderMs: 300,
		requestLogSize: 10_000,
	});
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => {
	sim.reset();
	resetRateLimiter();
});

interface NodeError {
	message: string;
	description?: string | null;
	httpCode?: string | null;
}

async function run(
	parameters: IDataObject,
	items: IDataObject[] = [{ prompt: 'a harbour at dawn' }],
	credentials: HarnessCredentials = credentialsFor(sim, API_KEY),
): Promise<HarnessRun> {
	return await runWorkflow({ ...itemsThenVeo3(items, parameters), credentials });
}

function output(result: HarnessRun): INodeExecutionData[] {
	if (result.run.status !== 'success')
		throw new Error(
			`expected success, got ${result.run.status}: ${JSON.stringify(result.run.data.resultData.error ?? null).slice(0, 600)}`,
		);
	return result.output('Veo3');
}

function failure(result: HarnessRun): NodeError {
	const error = result.run.data.resultData.error as unknown as NodeError | undefined;
	if (result.run.status !== 'error' || !error)
		throw new Error(
			`expected the run to fail, got ${result.run.status}: ${JSON.stringify(result.output('Veo3').map((i) => i.json)).slice(0, 600)}`,
		);
	return error;
}

/** What the simulator answered for one endpoint, in order: the envelope code, or "reset". */
function answers(endpoint: string): Array<number | null> {
	return sim
		.requests()
		.filter((r) => r.endpoint === endpoint)
		.map((r) => r.code);
}

/** A task that exists and is finished at kie (set up directly, not through the node). */
async function finishedTask(): Promise<string> {
	const created = await axios.post(
		`${sim.url}/api/v1/veo/generate`,
		{ prompt: 'a finished task', model: 'veo3_fast' },
		{ headers: { Authorization: `Bearer ${API_KEY}` } },
	);
	const taskId = String(created.data.data.taskId);
	await axios.post(`${sim.controlUrl}/tasks/${taskId}/complete`, {});
	return taskId;
}

async function outage(ms: number): Promise<void> {
	await axios.post(`${sim.controlUrl}/outage`, { ms });
}

const getDetails = (taskId: string, options: IDataObject = {}): IDataObject => ({
	resource: 'video',
	operation: 'getDetails',
	taskId,
	options,
});
/** `tuning`: the node-level hidden parameters (docs/tuning.md), such as readRetries and retryDelayMs. */
const generate = (
	waitMode: 'poll' | 'none',
	options: IDataObject,
	tuning: IDataObject = {},
): IDataObject => ({
	resource: 'video',
	operation: 'generate',
	prompt: '={{ $json.prompt }}',
	waitMode,
	downloadVideo: false,
	...tuning,
	options,
});

describe('maintenance (455)', () => {
	it('a status read recovers by itself when maintenance ends within the default retry budget', async () => {
		const taskId = await finishedTask();
		sim.configure({ maintenance: true });
		const ended = sleep(1500).then(() => sim.configure({ maintenance: false }));
		// Default policy: 5 retries from 1 s, doubling with jitter (at least 15 s in all).
		const result = await run(getDetails(taskId));
		await ended;
		const [item] = output(result);
		expect(item.json).toMatchObject({ taskId, status: 'success' });
		const codes = answers(RECORD_INFO);
		expect(codes.filter((c) => c === 455).length).toBeGreaterThanOrEqual(1);
		expect(codes[codes.length - 1]).toBe(200);
		expect(codes.length).toBeLessThanOrEqual(6);
	});

	it('Wait Until Done: maintenance while the video renders is waited out; one task, one result', async () => {
		const waiting = run(
			generate('poll', { pollIntervalSeconds: 0.05, maxWaitMinutes: 0.5 }, { retryDelayMs: 20 }),
		);
		// Maintenance starts right after the create and lasts longer than the read retries.
		while (sim.counters().tasksCreated === 0) await sleep(2);
		sim.configure({ maintenance: true });
		await sleep(1200);
		sim.configure({ maintenance: false });
		const [item] = output(await waiting);
		expect(item.json).toMatchObject({ status: 'success', prompt: 'a harbour at dawn' });
		expect(sim.counters().tasksCreated).toBe(1);
		expect(answers(GENERATE)).toEqual([200]);
		expect(answers(RECORD_INFO).filter((c) => c === 455).length).toBeGreaterThan(3);
	});

	it('Wait Until Done: maintenance past Max Wait gives an explicit timeout with the task ID and the last error', async () => {
		const waiting = run(
			generate(
				'poll',
				{ pollIntervalSeconds: 0.05, maxWaitMinutes: 0.02 },
				{ readRetries: 1, retryDelayMs: 10 },
			),
		);
		while (sim.counters().tasksCreated === 0) await sleep(2);
		sim.configure({ maintenance: true });
		const error = failure(await waiting);
		const [task] = sim.tasks();
		expect(error.message).toContain(`Video task ${task.id} was not finished after`);
		expect(error.message).toMatch(/last status check failed: kie\.ai .* code 455/);
		expect(sim.counters().tasksCreated).toBe(1);
	});

	it('a create during maintenance is refused by kie, retried safely, and fails cleanly: nothing created', async () => {
		sim.configure({ maintenance: true });
		const result = await run(generate('none', {}, { readRetries: 3, retryDelayMs: 20 }));
		const error = failure(result);
		expect(error.message).toMatch(/kie\.ai error 455/);
		expect(error.description).toMatch(/maintenance/i);
		// 455 means kie did nothing, so the create may be sent again: 1 + 3 attempts, no task.
		expect(answers(GENERATE)).toEqual([455, 455, 455, 455]);
		expect(sim.counters().tasksCreated).toBe(0);
		expect(sim.counters().creditsSpent).toBe(0);
	});

	it('a create that outlives the maintenance goes through exactly once', async () => {
		sim.configure({ maintenance: true });
		const ended = sleep(250).then(() => sim.configure({ maintenance: false }));
		const result = await run(
			generate(
				'poll',
				{ pollIntervalSeconds: 0.05, maxWaitMinutes: 0.5 },
				{ readRetries: 6, retryDelayMs: 50 },
			),
		);
		await ended;
		const [item] = output(result);
		expect(item.json.status).toBe('success');
		const codes = answers(GENERATE);
		expect(codes[0]).toBe(455);
		expect(codes.filter((c) => c === 200)).toHaveLength(1);
		expect(sim.counters().tasksCreated).toBe(1);
	});
});

describe('simulator down (connections reset)', () => {
	it('a status read recovers by itself when the outage ends within the default retry budget', async () => {
		const taskId = await finishedTask();
		await outage(1500);
		const result = await run(getDetails(taskId));
		const [item] = output(result);
		expect(item.json).toMatchObject({ taskId, status: 'success' });
		const drops = sim.counters().faults.outageDrops;
		expect(drops).toBeGreaterThanOrEqual(1);
		expect(drops).toBeLessThanOrEqual(5);
		expect(answers(RECORD_INFO)).toEqual([200]);
	});

	it('Wait Until Done: an outage while the video renders is waited out; one task, one result', async () => {
		const waiting = run(
			generate('poll', { pollIntervalSeconds: 0.05, maxWaitMinutes: 0.5 }, { retryDelayMs: 20 }),
		);
		while (sim.counters().tasksCreated === 0) await sleep(2);
		await outage(1200);
		const [item] = output(await waiting);
		expect(item.json.status).toBe('success');
		expect(sim.counters().tasksCreated).toBe(1);
		expect(sim.counters().faults.outageDrops).toBeGreaterThan(3);
	});

	it('Wait Until Done: an outage past Max Wait gives an explicit timeout naming the task', async () => {
		const waiting = run(
			generate(
				'poll',
				{ pollIntervalSeconds: 0.05, maxWaitMinutes: 0.02 },
				{ readRetries: 1, retryDelayMs: 10 },
			),
		);
		while (sim.counters().tasksCreated === 0) await sleep(2);
		await outage(30_000);
		const error = failure(await waiting);
		await outage(0);
		const [task] = sim.tasks();
		// The user must learn which paid task is still running (n8n's generic network texts do not say).
		expect(error.message).toContain(`Video task ${task.id} was not finished after`);
		expect(sim.counters().tasksCreated).toBe(1);
	});

	it('a create whose connection is reset is not sent again (it may have reached kie) and says so', async () => {
		await outage(30_000);
		const error = failure(await run(generate('none', {}, { readRetries: 5, retryDelayMs: 10 })));
		await outage(0);
		// Exactly one attempt reached the socket: no retry in the node nor in n8n's HTTP layer.
		expect(sim.counters().faults.outageDrops).toBe(1);
		expect(sim.counters().tasksCreated).toBe(0);
		// What the user reads must warn that the task may exist, never invite an immediate retry.
		const shown = `${error.message}\n${error.description ?? ''}`;
		expect(shown).toContain('may or may not have been created');
		expect(shown).not.toMatch(/retry the request immediately/i);
	});

	it('a create answered with HTTP 500 after kie committed it is not sent again (one task) and the error says the task may exist', async () => {
		sim.configure({
			faults: { http500: { rate: 1, scope: 'creates' }, create500AfterCommit: true },
		});
		const error = failure(await run(generate('none', {}, { readRetries: 5, retryDelayMs: 10 })));
		expect(error.message).toMatch(/kie\.ai error 500/);
		expect(answers(GENERATE)).toEqual([500]);
		expect(sim.counters().tasksCreated).toBe(1);
		// The task exists and was paid for: what the user reads must not simply invite a retry.
		const shown = `${error.message}\n${error.description ?? ''}`;
		expect(shown).toContain('may or may not have been created');
	});
});

describe('simulator down (connection refused), then back', () => {
	it('a create is retried while nothing listens (it never left this machine) and goes through exactly once', async () => {
		const probe = await startSimulator({ apiKey: API_KEY });
		const port = probe.port;
		await probe.stop();
		let revived: RunningSimulator | undefined;
		const back = sleep(400).then(async () => {
			revived = await startSimulator({ apiKey: API_KEY, port, profile: 'fast', renderMs: 100 });
		});
		try {
			const credentials: HarnessCredentials = {
				apiKey: API_KEY,
				baseUrl: `http://127.0.0.1:${port}`,
				uploadBaseUrl: `http://127.0.0.1:${port}/upload`,
			};
			const result = await run(
				generate(
					'poll',
					{ pollIntervalSeconds: 0.05, maxWaitMinutes: 0.5 },
					{ readRetries: 6, retryDelayMs: 100 },
				),
				undefined,
				credentials,
			);
			await back;
			const [item] = output(result);
			expect(item.json.status).toBe('success');
			const live = revived as RunningSimulator;
			expect(live.counters().tasksCreated).toBe(1);
			expect(
				live
					.requests()
					.filter((r) => r.endpoint === GENERATE)
					.map((r) => r.code),
			).toEqual([200]);
		} finally {
			await back;
			await revived?.stop();
		}
	});
});
