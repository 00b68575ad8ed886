/**
 * Shared fixtures of the Veo3 workflow tests: one simulator per test file (fresh state before each
 * test), credentials pointing at it, quick wait settings, and small readers for run results.
 */
import axios from 'axios';
import { createServer } from 'http';
import type { AddressInfo } from 'net';

import { resetRateLimiter } from '../../nodes/kie/transport/rateLimiter';
import {
	startSimulator,
	type ConfigPatch,
	type RequestLogEntry,
	type RunningSimulator,
} from '../../simulator';
import {
	binaryService,
	itemsThenVeo3,
	runWorkflow,
	type HarnessCredentials,
	type HarnessRun,
} from '../harness/engine';
import type { IBinaryData, IDataObject, INode } from 'n8n-workflow';

/** Quick polling for the fast profile: first check after 50 ms, give up after 30 s. */
export const FAST_WAIT = { pollIntervalSeconds: 0.05, maxWaitMinutes: 0.5 };

/** Quick retries: a node-level hidden tuning parameter (docs/tuning.md), not an option. */
export const FAST_TUNING = { retryDelayMs: 20 };

/** A 1×1 PNG, as a Telegram photo or Drive file would arrive in a binary field. */
export const PNG_BASE64 =
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

interface SimFixture {
	readonly sim: RunningSimulator;
	readonly apiKey: string;
	creds(overrides?: Partial<HarnessCredentials>): HarnessCredentials;
	/** Items → Veo3 with these parameters, run to the end against the simulator. */
	run(
		items: IDataObject[],
		parameters: IDataObject,
		veo3Extra?: Partial<INode>,
	): Promise<HarnessRun>;
	/** API and upload requests the simulator answered (file downloads excluded). */
	apiRequests(endpoint?: string): RequestLogEntry[];
	/** Creates a task directly at the simulator and finishes it at once (test setup, not node code). */
	finishedTask(prompt?: string, body?: IDataObject): Promise<string>;
}

/**
 * Starts a simulator for the file. Before each test: simulator state back to startup (tasks,
 * counters, logs, credits, config) and the node's process-wide create limiter emptied.
 */
export function useSimulator(apiKey: string, options: ConfigPatch = {}): SimFixture {
	let sim: RunningSimulator | undefined;
	beforeAll(async () => {
		sim = await startSimulator({ profile: 'fast', ...options, apiKey });
	});
	afterAll(async () => {
		await sim?.stop();
	});
	beforeEach(() => {
		sim?.reset();
		resetRateLimiter();
	});
	const fixture: SimFixture = {
		get sim() {
			if (!sim) throw new Error('simulator not started');
			return sim;
		},
		apiKey,
		creds: (overrides = {}) => ({
			apiKey,
			baseUrl: fixture.sim.url,
			uploadBaseUrl: fixture.sim.uploadUrl,
			...overrides,
		}),
		run: async (items, parameters, veo3Extra = {}) =>
			await runWorkflow({
				...itemsThenVeo3(items, parameters, veo3Extra),
				credentials: fixture.creds(),
			}),
		apiRequests: (endpoint) =>
			fixture.sim
				.requests()
				.filter(
					(r) => r.endpoint !== 'GET /files' && (endpoint === undefined || r.endpoint === endpoint),
				),
		finishedTask: async (prompt = 'a lighthouse in a storm', body = {}) => {
			const answer = await axios.post(
				`${fixture.sim.url}/api/v1/veo/generate`,
				{ prompt, model: 'veo3_fast', ...body },
				{ headers: { Authorization: `Bearer ${apiKey}` } },
			);
			if (answer.data?.code !== 200)
				throw new Error(`setup generate failed: ${JSON.stringify(answer.data)}`);
			const taskId = String(answer.data.data.taskId);
			await axios.post(`${fixture.sim.controlUrl}/tasks/${taskId}/complete`, {});
			return taskId;
		},
	};
	return fixture;
}

export const ENDPOINT = {
	generate: 'POST /api/v1/veo/generate',
	recordInfo: 'GET /api/v1/veo/record-info',
	get1080p: 'GET /api/v1/veo/get-1080p-video',
	get4k: 'POST /api/v1/veo/get-4k-video',
	extend: 'POST /api/v1/veo/extend',
	credit: 'GET /api/v1/chat/credit',
	downloadUrl: 'POST /api/v1/common/download-url',
	streamUpload: 'POST /upload/api/file-stream-upload',
} as const;

interface RunError {
	message: string;
	description?: string | null;
	name?: string;
	context?: IDataObject;
	errorResponse?: IDataObject;
}

/** The error that stopped the run (fails the test if the run did not fail). */
export function runError(run: HarnessRun): RunError {
	const error = run.run.data.resultData.error as unknown as RunError | undefined;
	if (run.run.status !== 'error' || !error) {
		throw new Error(
			`expected the run to fail, but it ended "${run.run.status}" with ${JSON.stringify(run.output('Veo3').map((i) => i.json)).slice(0, 500)}`,
		);
	}
	return error;
}

/** The run succeeded; returns the Veo3 node's output (fails the test with the error otherwise). */
export function veo3Output(run: HarnessRun): ReturnType<HarnessRun['output']> {
	if (run.run.status !== 'success') {
		const error = run.run.data.resultData.error as unknown as RunError | undefined;
		throw new Error(
			`expected success, got "${run.run.status}": ${error?.message} ${error?.description ?? ''}`,
		);
	}
	return run.output('Veo3');
}

export async function bytesOf(binary: IBinaryData | undefined): Promise<Buffer> {
	if (!binary) throw new Error('the item has no binary data');
	return await binaryService().getAsBuffer(binary);
}

/** What a plain HTTP client gets from a URL (for comparing with what the node stored). */
export async function fetchBytes(url: string): Promise<Buffer> {
	const answer = await axios.get<ArrayBuffer>(url, { responseType: 'arraybuffer' });
	return Buffer.from(answer.data);
}

export const sleep = async (ms: number): Promise<void> =>
	await new Promise((resolve) => setTimeout(resolve, ms));

export async function until(
	condition: () => boolean,
	timeoutMs = 5000,
	label = 'condition',
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`${label} not met within ${timeoutMs} ms`);
		await sleep(5);
	}
}

/** A loopback port with nothing listening on it (connection refused). */
export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}
