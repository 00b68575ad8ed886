/**
 * What users see when things go wrong: a failed render, kie's refusals, and the API key never
 * showing up anywhere in the run data.
 */
import { inspect } from 'util';

import type { HarnessRun } from '../harness/engine';
import { itemsThenVeo3, runWorkflow, startWorkflow } from '../harness/engine';
import {
	ENDPOINT,
	FAST_TUNING,
	FAST_WAIT,
	freePort,
	PNG_BASE64,
	runError,
	until,
	useSimulator,
	veo3Output,
} from './helpers';

const API_KEY = 'sk-LEAKCHECK-7f3a9c1e55d04b';
const fx = useSimulator(API_KEY);

const generate = (prompt: string, extra: Record<string, unknown> = {}) => ({
	resource: 'video',
	operation: 'generate',
	prompt,
	waitMode: 'poll',
	...FAST_TUNING,
	...extra,
	options: { ...FAST_WAIT, ...((extra.options as object) ?? {}) },
});

describe('a failed render', () => {
	it.each([
		['[fail]', 501, 'Generation failed'],
		['[timeout]', 500, 'Internal Error - Timeout'],
		['[content-policy]', 400, 'Your prompt was flagged by Website as violating content policies.'],
	])(
		"%s: an error for the item with kie's reason and the task ID, never a success",
		async (marker, code, reason) => {
			const run = await fx.run([{}], generate(`a city at night ${marker}`));
			const error = runError(run);
			const [task] = fx.sim.tasks();
			expect(task.state).toBe('failed');
			expect(error.message).toContain(task.id);
			expect(error.message).toContain(reason);
			expect(error.errorResponse).toMatchObject({
				taskId: task.id,
				errorCode: code,
				errorMessage: reason,
			});
			expect(run.output('Veo3')).toEqual([]);
			// The wait ended with the first check that saw the failure (one more at most if a check landed
			// in the same millisecond as the failure, before it).
			const checks = fx.apiRequests(ENDPOINT.recordInfo);
			const afterFailure = checks.filter((r) => Date.parse(r.time) >= task.completedAt!);
			expect(afterFailure.length).toBeGreaterThanOrEqual(1);
			expect(afterFailure.length).toBeLessThanOrEqual(2);
		},
	);
});

describe('kie refuses the request', () => {
	it('402 (credits too low): the top-up hint, nothing created, nothing retried', async () => {
		fx.sim.configure({ credits: 10 });
		const error = runError(await fx.run([{}], generate('a whale breaching')));
		expect(error.message).toBe(
			'kie.ai error 402: The current credits are insufficient. Please top up.',
		);
		expect(error.description).toMatch(/Top up at https:\/\/kie\.ai/);
		expect(fx.sim.counters()).toMatchObject({ tasksCreated: 0, creditsSpent: 0 });
		expect(fx.apiRequests().map((r) => r.endpoint)).toEqual([ENDPOINT.generate]);
	});

	it('401 (wrong key): the check-the-key hint', async () => {
		const run = await runWorkflow({
			...itemsThenVeo3([{}], generate('a whale')),
			credentials: fx.creds({ apiKey: 'sk-WRONGKEY-0d9e8f' }),
		});
		const error = runError(run);
		expect(error.message).toBe('kie.ai error 401: You do not have access permissions');
		expect(error.description).toMatch(/Check the Veo3 credential/);
		expect(fx.sim.counters().tasksCreated).toBe(0);
	});
});

describe('kie.ai unreachable', () => {
	const outage = async (ms: number) =>
		await fetch(`${fx.sim.controlUrl}/outage`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ ms }),
		});

	it("a connection reset on create: the error warns that the task may exist (n8n's generic network text would hide it)", async () => {
		await outage(60_000);
		const error = runError(await fx.run([{}], generate('a kite')));
		expect(error.message).toMatch(/ECONNRESET/);
		expect(error.message).toMatch(/may or may not have been created, so it was not sent again/);
		expect(fx.sim.counters().faults.outageDrops).toBe(1);
	});

	it('status checks failing until Max Wait: the timeout names the task and the last failure', async () => {
		fx.sim.configure({ renderMs: 60_000 });
		const started = await startWorkflow({
			...itemsThenVeo3(
				[{}],
				generate('a kite', { readRetries: 0, options: { maxWaitMinutes: 0.01 } }),
			),
			credentials: fx.creds(),
		});
		await until(() => fx.sim.counters().tasksCreated === 1, 5000, 'task created');
		await outage(60_000);
		const error = runError(await started.done);
		const [task] = fx.sim.tasks();
		expect(error.message).toContain(`Video task ${task.id} was not finished`);
		expect(error.message).toMatch(/last status check failed: .*ECONNRESET/);
		expect(error.description).toMatch(/keeps running at kie\.ai/);
	});
});

describe('the API key never appears in outputs or errors', () => {
	/** Everything a user could see or export of a run: items, errors (message, description, stack, cause). */
	function visible(run: HarnessRun): string {
		const error = run.run.data.resultData.error as
			| (Error & { description?: string; cause?: unknown })
			| undefined;
		return [
			JSON.stringify(run.run),
			inspect(run.run, { depth: 20 }),
			error?.message,
			error?.description,
			error?.stack,
			inspect(error?.cause, { depth: 10 }),
		].join('\n');
	}

	const scenarios: Array<[string, () => Promise<HarnessRun>]> = [
		[
			'a successful generate with download and raw response',
			async () => await fx.run([{}], generate('a kite', { options: { includeRaw: true } })),
		],
		[
			'an image upload from binary',
			async () =>
				await fx.run(
					[{ binary: { data: { data: PNG_BASE64, mimeType: 'image/png', fileName: 'a.png' } } }],
					generate('a kite', { mode: 'image', imageSource: 'binary' }),
				),
		],
		['a failed render', async () => await fx.run([{}], generate('a kite [fail]'))],
		[
			'continue-on-fail error items',
			async () =>
				await fx.run([{ p: 'ok' }, { p: 'x [fail]' }], generate('={{ $json.p }}'), {
					onError: 'continueRegularOutput',
				}),
		],
		[
			'a 402',
			async () => {
				fx.sim.configure({ credits: 1 });
				return await fx.run([{}], generate('a kite'));
			},
		],
		[
			'a connection reset on create',
			async () => {
				await fetch(`${fx.sim.controlUrl}/outage`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ ms: 60_000 }),
				});
				return await fx.run([{}], generate('a kite'));
			},
		],
		[
			'an unreachable API (connection refused)',
			async () =>
				await runWorkflow({
					...itemsThenVeo3([{}], generate('a kite', { readRetries: 0 })),
					credentials: fx.creds({ baseUrl: `http://127.0.0.1:${await freePort()}` }),
				}),
		],
		[
			'Get Details with the raw record',
			async () =>
				await fx.run([{}], {
					resource: 'video',
					operation: 'getDetails',
					taskId: await fx.finishedTask(),
					options: { includeRaw: true },
				}),
		],
	];

	it.each(scenarios)('%s', async (_label, scenario) => {
		const run = await scenario();
		expect(['success', 'error']).toContain(run.run.status);
		const text = visible(run);
		expect(text.length).toBeGreaterThan(100);
		expect(text).not.toContain(API_KEY);
		expect(text).not.toContain(API_KEY.slice(3, 20));
	});

	it('nor does a wrong key the user typed', async () => {
		const wrong = 'sk-WRONGKEY-31be77aa90';
		const run = await runWorkflow({
			...itemsThenVeo3([{}], generate('a kite')),
			credentials: fx.creds({ apiKey: wrong }),
		});
		expect(run.run.status).toBe('error');
		expect(visible(run)).not.toContain(wrong);
	});

	it('while the key was really sent to kie.ai (the check above is not vacuous)', async () => {
		const run = await fx.run([{}], { resource: 'account', operation: 'getCredits' });
		expect(veo3Output(run)).toHaveLength(1);
		expect(fx.apiRequests(ENDPOINT.credit).map((r) => r.code)).toEqual([200]);
	});
});
