/**
 * Errors users can act on, and only what is verified in them: an unknown task, an unreachable or
 * malformed base URL, a create accepted without a task ID, kie's Retry-After, and Max Wait Time as a
 * hard bound even while status reads are being retried.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import { FAST_WAIT, freePort, runError, useSimulator } from './helpers';
import { itemsThenVeo3, runWorkflow } from '../harness/engine';

const fx = useSimulator('sk-trust-errors-5f0b');

const generate = (options = {}, extra = {}) => ({
	resource: 'video',
	operation: 'generate',
	prompt: 'a quiet harbour',
	waitMode: 'none',
	options: { ...FAST_WAIT, ...options },
	...extra,
});

/** A stand-in for kie.ai that answers each request with the next scripted answer. */
async function scriptedKie(
	answers: Array<(res: ServerResponse) => void>,
): Promise<{ url: string; times: number[]; close(): Promise<void> }> {
	const times: number[] = [];
	const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
		times.push(Date.now());
		req.resume();
		req.on('end', () =>
			(answers[Math.min(times.length - 1, answers.length - 1)] ?? (() => res.end()))(res),
		);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		times,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
const json =
	(body: unknown, headers: Record<string, string> = {}) =>
	(res: ServerResponse) => {
		res.writeHead(200, { 'content-type': 'application/json', ...headers });
		res.end(JSON.stringify(body));
	};

it('an unknown or expired task ID says so in plain words', async () => {
	const error = runError(
		await fx.run([{}], {
			resource: 'video',
			operation: 'getDetails',
			taskId: 'f00dfeedf00dfeedf00dfeedf00dfeed',
		}),
	);
	expect(error.message).toBe('No task with this ID at kie.ai, or it is older than 14 days');
});

it('an unreachable API host: "Cannot reach <host>: check API Base URL"', async () => {
	const port = await freePort();
	const run = await runWorkflow({
		...itemsThenVeo3([{}], { resource: 'account', operation: 'getCredits', readRetries: 0 }),
		credentials: fx.creds({ baseUrl: `http://127.0.0.1:${port}` }),
	});
	expect(runError(run).message).toMatch(
		new RegExp(
			`^Cannot reach 127\\.0\\.0\\.1:${port}: check API Base URL in the Veo3 credential \\(ECONNREFUSED\\)`,
		),
	);
});

it.each(['api.kie.ai', 'htp//api.kie.ai', 'ftp://api.kie.ai'])(
	'a malformed API Base URL (%s) is named before any request',
	async (baseUrl) => {
		const run = await runWorkflow({
			...itemsThenVeo3([{}], generate()),
			credentials: fx.creds({ baseUrl }),
		});
		const error = runError(run);
		expect(error.message).toBe(
			`Invalid "API Base URL" in the Veo3 credential: "${baseUrl}" is not a URL`,
		);
		expect(error.description).toMatch(/^Allowed: an http:\/\/ or https:\/\/ URL/);
		expect(fx.sim.requests()).toEqual([]);
	},
);

it('a create answered code 200 without a task ID says the task may have been created, and is not sent again', async () => {
	const kie = await scriptedKie([json({ code: 200, msg: 'success', data: {} })]);
	try {
		const run = await runWorkflow({
			...itemsThenVeo3([{}], generate()),
			credentials: fx.creds({ baseUrl: kie.url }),
		});
		const error = runError(run);
		expect(`${error.message} ${error.description}`).toMatch(/may (or may not )?have been created/);
		expect(error.description ?? '').not.toMatch(/Try again later/);
		expect(kie.times).toHaveLength(1);
	} finally {
		await kie.close();
	}
});

it('a 429 with Retry-After: the create is sent again no sooner than kie asked', async () => {
	const kie = await scriptedKie([
		json({ code: 429, msg: 'rate limited', data: null }, { 'retry-after': '1' }),
		json({ code: 200, msg: 'success', data: { taskId: 'abc123' } }),
	]);
	try {
		const run = await runWorkflow({
			...itemsThenVeo3([{}], generate({}, { retryDelayMs: 10 })),
			credentials: fx.creds({ baseUrl: kie.url }),
		});
		expect(run.output('Veo3').map((i) => i.json.taskId)).toEqual(['abc123']);
		expect(kie.times).toHaveLength(2);
		expect(kie.times[1] - kie.times[0]).toBeGreaterThanOrEqual(990);
	} finally {
		await kie.close();
	}
});

it('Max Wait Time is a hard bound while failing status reads are retried (default retry tuning)', async () => {
	fx.sim.configure({ renderMs: 60_000, faults: { http500: { rate: 1, scope: 'reads' } } });
	const started = Date.now();
	const run = await runWorkflow({
		...itemsThenVeo3(
			[{}],
			generate(
				{ maxWaitMinutes: 0.01, pollIntervalSeconds: 0.05 },
				{ waitMode: 'poll', readRetries: 5, retryDelayMs: 1000 },
			),
		),
		credentials: fx.creds(),
	});
	const elapsed = Date.now() - started;
	expect(runError(run).message).toMatch(/was not finished after \d+ s/);
	// 0.6 s allowed; before, the read's own retries (1+2+4+8+16 s of back-off) ran on for ~23 s.
	expect(elapsed).toBeLessThan(3000);
});
