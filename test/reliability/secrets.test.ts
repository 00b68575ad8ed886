/**
 * Secrets: the main scenarios run with distinctive API and webhook HMAC keys, and
 * neither key (nor its base64 form, nor its distinctive tail) may appear in any node output, error
 * (message, description, stack, cause, any property reachable from it), serialised execution data,
 * answer to a callback, simulator log, or captured log line (console.*, n8n's LoggerProxy and
 * Logger service).
 */
import axios from 'axios';
import type { IDataObject, INode } from 'n8n-workflow';

import { resetRateLimiter } from '../../nodes/kie/transport/rateLimiter';
import { signCallback, startSimulator, type RunningSimulator } from '../../simulator';
import {
	itemsThenVeo3,
	runWorkflow,
	type HarnessCredentials,
	type HarnessRun,
} from '../harness/engine';
import { CallbackServer } from '../harness/webhooks';
import { captureLogs, credentialsFor, settleParked, sleep } from './helpers';

jest.setTimeout(60_000);

const API_KEY = 'sk-SECRET-7f3a9c41d2e8b6f0';
const WRONG_KEY = 'sk-SECRET-wrong-e4c1b9f07a2d';
const HMAC_KEY = 'hmac-SECRET-5d09e7aa31c4b8e2';

/** Every form in which a key could leak: as is, base64, and its random tail on its own. */
const FORBIDDEN = [API_KEY, WRONG_KEY, HMAC_KEY].flatMap((secret) => [
	secret,
	Buffer.from(secret, 'utf8').toString('base64'),
	Buffer.from(`Bearer ${secret}`, 'utf8').toString('base64'),
	secret.slice(-12),
]);

const PNG_BASE64 =
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/**
 * Every string reachable from `value`, own non-enumerable properties included (an Error's message
 * and stack, a request object's headers), so a key hidden anywhere in an error is found.
 */
function reachableText(value: unknown): string {
	const limit = 200_000;
	const out: string[] = [];
	const seen = new Set<unknown>();
	const stack: unknown[] = [value];
	let visited = 0;
	while (stack.length > 0 && visited < limit) {
		const current = stack.pop();
		if (typeof current === 'string') {
			out.push(current);
			continue;
		}
		if (typeof current !== 'object' || current === null || seen.has(current)) continue;
		seen.add(current);
		visited++;
		if (Buffer.isBuffer(current) || ArrayBuffer.isView(current)) continue;
		if (current instanceof Map) {
			for (const [k, v] of current) stack.push(k, v);
			continue;
		}
		if (current instanceof Set) {
			for (const v of current) stack.push(v);
			continue;
		}
		for (const key of Object.getOwnPropertyNames(current)) {
			out.push(key);
			let child: unknown;
			try {
				child = (current as Record<string, unknown>)[key];
			} catch {
				continue;
			}
			if (typeof child === 'string' || (typeof child === 'object' && child !== null))
				stack.push(child);
			else if (typeof child === 'number' || typeof child === 'boolean') out.push(String(child));
		}
	}
	return out.join('\n');
}

function leaksIn(text: string): string[] {
	return FORBIDDEN.filter((form) => text.includes(form));
}

let sim: RunningSimulator;
let server: CallbackServer;

/** Everything one scenario produced that a user, a log collector or kie could see. */
interface Exposure {
	where: string;
	text: string;
}

const scenarioCredentials = (overrides: Partial<HarnessCredentials> = {}): HarnessCredentials => ({
	...credentialsFor(sim, API_KEY, HMAC_KEY),
	...overrides,
});

function exposeRun(run: HarnessRun, label: string): Exposure[] {
	const data = run.run.data;
	const exposures: Exposure[] = [
		{
			where: `${label}: serialised execution (JSON.stringify(run.run))`,
			text: JSON.stringify(run.run),
		},
		{ where: `${label}: everything reachable from the execution`, text: reachableText(run.run) },
		{ where: `${label}: Veo3 output items`, text: JSON.stringify(run.output('Veo3')) },
	];
	const error = data.resultData.error as (Error & { description?: string }) | undefined;
	if (error) {
		exposures.push({
			where: `${label}: run error message/description/stack`,
			text: `${error.message}\n${error.description ?? ''}\n${error.stack ?? ''}`,
		});
		exposures.push({ where: `${label}: run error, all properties`, text: reachableText(error) });
	}
	for (const [nodeName, runs] of Object.entries(data.resultData.runData)) {
		for (const taskData of runs)
			if (taskData.error)
				exposures.push({
					where: `${label}: ${nodeName} task error`,
					text: reachableText(taskData.error),
				});
	}
	return exposures;
}

/** Runs a scenario with logs captured; returns what it exposed, logs and simulator views included. */
async function scenario(
	label: string,
	body: () => Promise<HarnessRun[]>,
): Promise<{ runs: HarnessRun[]; exposures: Exposure[] }> {
	const logs = captureLogs();
	let runs: HarnessRun[] = [];
	try {
		runs = await body();
		// Let late callbacks and their answers settle inside the capture window.
		await sleep(50);
	} finally {
		logs.stop();
	}
	const exposures = runs.flatMap((run, i) => exposeRun(run, `${label} #${i}`));
	// The capture is live: the engine logs every run through LoggerProxy (at debug level).
	if (runs.length > 0)
		expect(logs.lines.some((line) => line.includes('Workflow execution started'))).toBe(true);
	exposures.push({ where: `${label}: captured log lines`, text: logs.lines.join('\n') });
	exposures.push({
		where: `${label}: simulator request log`,
		text: JSON.stringify(sim.requests()),
	});
	exposures.push({
		where: `${label}: simulator callback log`,
		text: JSON.stringify(sim.callbacks()),
	});
	exposures.push({ where: `${label}: simulator task records`, text: JSON.stringify(sim.tasks()) });
	exposures.push({ where: `${label}: answers to callbacks`, text: JSON.stringify(server.log) });
	exposures.push({ where: `${label}: trigger starts`, text: reachableText(server.triggerStarts) });
	return { runs, exposures };
}

function expectNoLeak(exposures: Exposure[]): void {
	const found = exposures.flatMap((e) =>
		leaksIn(e.text).map((form) => `${e.where}: contains ${JSON.stringify(form)}`),
	);
	expect(found).toEqual([]);
}

const generate = (
	waitMode: 'poll' | 'none' | 'callback',
	extra: IDataObject = {},
): IDataObject => ({
	resource: 'video',
	operation: 'generate',
	prompt: '={{ $json.prompt }}',
	waitMode,
	readRetries: 2,
	retryDelayMs: 10,
	...extra,
	options: {
		pollIntervalSeconds: 0.05,
		maxWaitMinutes: 0.5,
		...((extra.options as IDataObject) ?? {}),
	},
});

async function runVeo3(
	items: IDataObject[],
	parameters: IDataObject,
	credentials = scenarioCredentials(),
	extra: Partial<INode> = {},
): Promise<HarnessRun> {
	return await runWorkflow({
		...itemsThenVeo3(items, parameters, extra),
		credentials,
		webhookWaitingBaseUrl: server.waitingBaseUrl,
	});
}

beforeAll(async () => {
	sim = await startSimulator({
		apiKey: API_KEY,
		hmacKey: HMAC_KEY,
		profile: 'fast',
		renderMs: 150,
		requestLogSize: 10_000,
	});
	server = new CallbackServer();
	await server.start();
});
afterAll(async () => {
	await server.stop();
	await sim.stop();
});
beforeEach(() => {
	sim.reset();
	resetRateLimiter();
	server.log.length = 0;
});

describe('the detector itself', () => {
	it('finds a key in any of its forms, including inside an error hidden in a non-enumerable property', () => {
		const hidden = new Error('outer');
		Object.defineProperty(hidden, 'request', {
			value: { _header: `GET / HTTP/1.1\r\nAuthorization: Bearer ${API_KEY}\r\n` },
			enumerable: false,
		});
		expect(leaksIn(reachableText({ wrapped: hidden }))).toContain(API_KEY);
		expect(leaksIn(`...${Buffer.from(HMAC_KEY).toString('base64')}...`)).toHaveLength(1);
		expect(leaksIn(`key ends ${API_KEY.slice(-12)}`)).toHaveLength(1);
		expect(
			leaksIn(
				JSON.stringify(
					credentialsFor(
						{ url: 'http://x', uploadUrl: 'http://x/upload' } as RunningSimulator,
						API_KEY,
						HMAC_KEY,
					),
				),
			),
		).toHaveLength(4);
	});
});

describe('no key in outputs, errors, execution data or logs', () => {
	it('generate, wait by polling, download the video', async () => {
		const { runs, exposures } = await scenario('poll+download', async () => [
			await runVeo3([{ prompt: 'a quiet lake' }], generate('poll', { downloadVideo: true })),
		]);
		expect(runs[0].output('Veo3')[0].json.status).toBe('success');
		expect(runs[0].output('Veo3')[0].binary?.data).toBeDefined();
		expect(sim.counters().tasksCreated).toBe(1);
		expectNoLeak(exposures);
	});

	it('image to video from a binary field (authenticated upload to the upload host)', async () => {
		const { runs, exposures } = await scenario('binary upload', async () => [
			await runVeo3(
				[
					{
						prompt: 'bring it to life',
						binary: { data: { data: PNG_BASE64, mimeType: 'image/png', fileName: 'frame.png' } },
					},
				],
				generate('none', { mode: 'image', imageSource: 'binary', binaryPropertyNames: 'data' }),
			),
		]);
		expect(runs[0].output('Veo3')[0].json.taskId).toEqual(expect.any(String));
		expect(sim.counters().requests['POST /upload/api/file-stream-upload']).toBe(1);
		expectNoLeak(exposures);
	});

	it('a render that fails at kie (On Error: Stop)', async () => {
		const { runs, exposures } = await scenario('task failed', async () => [
			await runVeo3([{ prompt: 'doomed [fail]' }], generate('poll')),
		]);
		expect(runs[0].run.status).toBe('error');
		expectNoLeak(exposures);
	});

	it('402 insufficient credits (On Error: Stop)', async () => {
		sim.configure({ credits: 0 });
		const { runs, exposures } = await scenario('402', async () => [
			await runVeo3([{ prompt: 'too expensive' }], generate('none')),
		]);
		expect(String((runs[0].run.data.resultData.error as Error | undefined)?.message)).toMatch(
			/402/,
		);
		expectNoLeak(exposures);
	});

	it('401 wrong API key (Continue On Fail, and Get Credits)', async () => {
		const wrong = scenarioCredentials({ apiKey: WRONG_KEY });
		const { runs, exposures } = await scenario('401', async () => [
			await runVeo3([{ prompt: 'who am I' }], generate('none'), wrong, {
				onError: 'continueRegularOutput',
			}),
			await runVeo3([{}], { resource: 'account', operation: 'getCredits' }, wrong),
		]);
		expect(String(runs[0].output('Veo3')[0].json.error)).toMatch(/401/);
		expect(runs[1].run.status).toBe('error');
		// The wrong key really was sent and refused.
		expect(sim.requests().filter((r) => r.code === 401).length).toBeGreaterThanOrEqual(2);
		expectNoLeak(exposures);
	});

	it('input validation error (nothing sent)', async () => {
		const { runs, exposures } = await scenario('validation', async () => [
			await runVeo3([{ prompt: '   ' }], generate('none')),
		]);
		expect(runs[0].run.status).toBe('error');
		expect(sim.requests()).toHaveLength(0);
		expectNoLeak(exposures);
	});

	it('network error: nothing listens on the API port', async () => {
		const probe = await startSimulator({ apiKey: API_KEY });
		const closed = probe.url;
		await probe.stop();
		const credentials = scenarioCredentials({ baseUrl: closed, uploadBaseUrl: `${closed}/upload` });
		const { runs, exposures } = await scenario('closed port', async () => [
			await runVeo3([{ prompt: 'into the void' }], generate('none'), credentials),
			await runVeo3([{ prompt: 'into the void' }], generate('none'), credentials, {
				onError: 'continueRegularOutput',
			}),
		]);
		expect(runs[0].run.status).toBe('error');
		expect(runs[1].output('Veo3')[0].json.error).toEqual(expect.any(String));
		expectNoLeak(exposures);
	});

	it('wait for callback, with a forged callback refused on the way', async () => {
		const { runs, exposures } = await scenario('callback wait', async () => {
			const parked = await runVeo3([{ prompt: 'a signed callback' }], generate('callback'));
			expect(parked.run.status).toBe('waiting');
			server.park(parked);
			const [task] = sim.tasks();
			const url = `${server.waitingBaseUrl}/${parked.executionId}?signature=${String(parked.run.data.resumeToken)}`;
			const timestamp = String(Math.floor(Date.now() / 1000));
			const forged = await axios.post(
				url,
				{ code: 200, msg: 'ok', data: { taskId: task.id } },
				{
					headers: {
						'x-webhook-timestamp': timestamp,
						'x-webhook-signature': signCallback('not-the-key', task.id, timestamp),
					},
					validateStatus: () => true,
				},
			);
			expect(forged.status).toBe(401);
			const done = await settleParked(server, parked);
			expect(done.via).toBe('callback');
			return [parked, done.run];
		});
		expect(runs[1].output('Veo3')[0].json.status).toBe('success');
		expect(sim.callbacks().some((c) => c.status === 200)).toBe(true);
		expectNoLeak(exposures);
	});

	it('Veo3 Trigger: forged and unsigned callbacks refused, a valid one starts a run', async () => {
		const { exposures } = await scenario('trigger', async () => {
			server.useTrigger({ events: ['success', 'failure', 'fourK'] }, scenarioCredentials());
			// A real task: the trigger re-reads every callback's task at kie before it starts a run.
			const created = await axios.post(
				`${sim.url}/api/v1/veo/generate`,
				{ prompt: 'a secret-free render', model: 'veo3_fast' },
				{ headers: { Authorization: `Bearer ${API_KEY}` } },
			);
			const taskId = String(created.data.data.taskId);
			await axios.post(`${sim.controlUrl}/tasks/${taskId}/complete`, {});
			const body = {
				code: 200,
				msg: 'Veo3.1 video generated successfully.',
				data: { taskId, info: { resultUrls: ['https://example.com/v.mp4'] }, fallbackFlag: false },
			};
			const timestamp = String(Math.floor(Date.now() / 1000));
			const post = async (headers: Record<string, string>) =>
				await axios.post(server.triggerUrl, body, { headers, validateStatus: () => true });
			const forged = await post({
				'x-webhook-timestamp': timestamp,
				'x-webhook-signature': signCallback(`${HMAC_KEY}-forged`, taskId, timestamp),
			});
			const unsigned = await post({});
			const valid = await post({
				'x-webhook-timestamp': timestamp,
				'x-webhook-signature': signCallback(HMAC_KEY, taskId, timestamp),
			});
			expect([forged.status, unsigned.status, valid.status]).toEqual([401, 401, 200]);
			expect(server.triggerStarts).toHaveLength(1);
			expect(server.triggerStarts[0].outputs[0][0].json.signatureVerified).toBe(true);
			return [];
		});
		expectNoLeak(exposures);
	});
});
