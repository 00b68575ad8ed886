/**
 * The transport (nodes/kie/transport) against the simulator over loopback, through a real n8n-core
 * ExecuteContext: n8n's own request helper, the credential's Bearer auth, n8n's error wrapping.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import axios from 'axios';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { KieApiError, KieTransportError } from '../../../../../nodes/kie/errors/errors';
import type { RetryPolicy } from '../../../../../nodes/kie/base/interfaces';
import { ExecutionCancelledError } from '../../../../../nodes/kie/base/pause';
import {
	ENDPOINTS,
	getApiConfig,
	kieRequest,
	networkCodeOf,
	type KieRequest,
} from '../../../../../nodes/kie/transport';
import { startSimulator, type RunningSimulator } from '../../../../../simulator';
import { veo3ExecuteContext, type HarnessCredentials } from '../../../../harness/engine';
import { ENDPOINT, freePort, sleep, until, useSimulator } from '../../../../workflows/helpers';

const fx = useSimulator('sk-transport-91c3aa');

/** Retries quick enough for tests; the first back-off is 50–100 ms, then 100–200 ms, … */
const RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 2000 };
const NO_RETRY: RetryPolicy = { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 };
const GENEROUS_LIMIT = { maxCreates: 1000, windowMs: 1000 };

/** One kieRequest through a fresh real ExecuteContext; `probe` sees every attempt's outcome. */
async function call<T = unknown>(
	request: Omit<KieRequest, 'retry'> & { retry?: RetryPolicy },
	credentials: Partial<HarnessCredentials> = {},
	probe?: { attempts: Array<string | 'answered'> },
): Promise<T> {
	const ctx = veo3ExecuteContext(fx.creds(credentials));
	if (probe) {
		const send = ctx.helpers.httpRequestWithAuthentication;
		ctx.helpers.httpRequestWithAuthentication = async function (
			this: ThisParameterType<typeof send>,
			...args: Parameters<typeof send>
		) {
			try {
				const answer: unknown = await send.apply(this, args);
				probe.attempts.push('answered');
				return answer;
			} catch (error) {
				probe.attempts.push(networkCodeOf(error) ?? 'unknown');
				throw error;
			}
		} as typeof send;
	}
	return await kieRequest<T>(ctx, await getApiConfig(ctx), { retry: RETRY, ...request });
}

const credit = { method: 'GET', endpoint: ENDPOINTS.credit, resend: 'safe' } as const;
const generate = (prompt = 'a red kite over dunes') =>
	({
		method: 'POST',
		endpoint: ENDPOINTS.generate,
		resend: 'paid',
		body: { prompt, model: 'veo3_fast' },
		rateLimit: GENEROUS_LIMIT,
	}) as const;

async function caught(work: Promise<unknown>): Promise<unknown> {
	return await work.then(
		(value) => {
			throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
		},
		(error: unknown) => error,
	);
}

/** Milliseconds between consecutive logged answers of one endpoint (server clock). */
function gaps(endpoint: string): number[] {
	const times = fx.apiRequests(endpoint).map((r) => Date.parse(r.time));
	return times.slice(1).map((t, i) => t - times[i]);
}

/** Lets `count` answers of `endpoint` go out with the fault on, then switches it off. */
async function recoverAfter(
	count: number,
	endpoint: string,
	recover: Parameters<RunningSimulator['configure']>[0],
): Promise<void> {
	await until(() => fx.apiRequests(endpoint).length >= count, 5000, `${count} faulty answers`);
	fx.sim.configure(recover);
}

describe('envelope', () => {
	it("HTTP 200 with body code 401 is a KieApiError with kie's message, not retried", async () => {
		const error = await caught(call(credit, { apiKey: 'sk-wrong-key' }));
		expect(error).toBeInstanceOf(KieApiError);
		expect(error).toMatchObject({
			code: 401,
			kieMessage: 'You do not have access permissions',
			httpStatus: 200,
			endpoint: ENDPOINTS.credit,
		});
		expect(fx.apiRequests(ENDPOINT.credit)).toHaveLength(1);
	});

	it('body code 402 on a create: KieApiError, nothing created, not retried', async () => {
		fx.sim.configure({ credits: 5 });
		const error = await caught(call(generate()));
		expect(error).toBeInstanceOf(KieApiError);
		expect(error).toMatchObject({
			code: 402,
			kieMessage: 'The current credits are insufficient. Please top up.',
		});
		expect(fx.sim.counters().tasksCreated).toBe(0);
		expect(fx.apiRequests(ENDPOINT.generate)).toHaveLength(1);
	});

	it("body code 422 carries kie's validation message and is not retried", async () => {
		const error = await caught(
			call({
				method: 'POST',
				endpoint: ENDPOINTS.generate,
				resend: 'paid',
				body: { prompt: '   ' },
				rateLimit: GENEROUS_LIMIT,
			}),
		);
		expect(error).toBeInstanceOf(KieApiError);
		expect(error).toMatchObject({ code: 422, kieMessage: 'prompt is required' });
		const read = await caught(
			call({
				method: 'GET',
				endpoint: ENDPOINTS.recordInfo,
				qs: { taskId: 'ffffffffffffffffffffffffffffffff' },
				resend: 'safe',
			}),
		);
		expect(read).toMatchObject({ code: 422, kieMessage: 'record is null.' });
		expect(fx.apiRequests()).toHaveLength(2);
	});

	it('success returns the envelope data as is (credits as a bare, fractional number)', async () => {
		fx.sim.configure({ credits: 5916.25 });
		await expect(call<number>(credit)).resolves.toBe(5916.25);
	});

	describe('answers without an envelope (a proxy or load balancer in between)', () => {
		let server: Server;
		let hits = 0;
		let answer: { status: number; type: string; body: string } = {
			status: 502,
			type: 'text/html',
			body: '',
		};
		beforeAll(async () => {
			server = createServer((req, res) => {
				hits++;
				res.writeHead(answer.status, { 'content-type': answer.type });
				res.end(answer.body);
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		});
		afterAll(async () => await new Promise<void>((resolve) => server.close(() => resolve())));
		beforeEach(() => (hits = 0));
		const proxyUrl = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

		it('HTTP 502 with an HTML page: KieApiError 502 without the page; a read is retried, then gives up', async () => {
			answer = {
				status: 502,
				type: 'text/html',
				body: '<html><body>502 Bad Gateway</body></html>',
			};
			const error = await caught(
				call(
					{ ...credit, retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20 } },
					{ baseUrl: proxyUrl() },
				),
			);
			expect(error).toBeInstanceOf(KieApiError);
			expect(error).toMatchObject({ code: 502, httpStatus: 502 });
			expect((error as KieApiError).kieMessage).toContain('HTTP 502');
			expect((error as KieApiError).kieMessage).not.toContain('Bad Gateway');
			expect(hits).toBe(3);
		});

		it('a proxy that reflects the request headers: none of its text reaches the error', async () => {
			answer = {
				status: 502,
				type: 'text/plain',
				body: `upstream failed for request with Authorization: Bearer ${fx.apiKey}`,
			};
			const error = await caught(call({ ...credit, retry: NO_RETRY }, { baseUrl: proxyUrl() }));
			expect(
				JSON.stringify({
					message: (error as Error).message,
					kie: (error as KieApiError).kieMessage,
				}),
			).not.toContain(fx.apiKey);
		});

		it("kie's own msg is kept, short, with anything that looks like a key masked", async () => {
			answer = {
				status: 200,
				type: 'application/json',
				body: JSON.stringify({
					code: 401,
					msg: `Invalid key Bearer ${fx.apiKey} (token=${fx.apiKey}) ${'x'.repeat(400)}`,
					data: null,
				}),
			};
			const error = (await caught(
				call({ ...credit, retry: NO_RETRY }, { baseUrl: proxyUrl() }),
			)) as KieApiError;
			expect(error.kieMessage).toMatch(/^Invalid key Bearer \*\*\* \(token=\*\*\*/);
			expect(error.kieMessage).not.toContain(fx.apiKey.slice(3));
			expect(error.kieMessage.length).toBeLessThanOrEqual(200);
		});

		it('HTTP 503 on a create: reported at once, never sent again', async () => {
			answer = { status: 503, type: 'text/plain', body: 'upstream connect error' };
			const error = await caught(call(generate(), { baseUrl: proxyUrl() }));
			expect(error).toMatchObject({ code: 503, httpStatus: 503 });
			expect(hits).toBe(1);
		});

		it('HTTP 200 with a body that is not JSON is an error, not a success with text as data', async () => {
			answer = { status: 200, type: 'text/html', body: '<html>Checking your browser…</html>' };
			const error = await caught(call({ ...credit, retry: NO_RETRY }, { baseUrl: proxyUrl() }));
			expect(error).toBeInstanceOf(KieApiError);
			expect((error as KieApiError).kieMessage).toMatch(
				/HTTP 200, an answer that is not from kie.ai's API/,
			);
			expect((error as KieApiError).kieMessage).not.toContain('Checking your browser');
		});
	});
});

describe('read retries', () => {
	it.each([
		[
			'429 (rate limited)',
			{ faults: { burst429: { rate: 1, length: 1, scope: 'reads' as const } } },
			{ faults: { burst429: { rate: 0 } } },
			429,
		],
		['455 (maintenance)', { maintenance: true }, { maintenance: false }, 455],
		[
			'500 (server error)',
			{ faults: { http500: { rate: 1, scope: 'reads' as const } } },
			{ faults: { http500: { rate: 0 } } },
			500,
		],
	])(
		'retries a read after %s with growing back-off, then succeeds',
		async (_label, fault, recover, code) => {
			fx.sim.configure({ credits: 321, ...fault });
			const result = call<number>(credit);
			await recoverAfter(3, ENDPOINT.credit, recover);
			await expect(result).resolves.toBe(321);
			const log = fx.apiRequests(ENDPOINT.credit);
			expect(log.map((r) => r.code)).toEqual([code, code, code, 200]);
			// Full-jitter exponential back-off: attempt n waits between base·2ⁿ/2 and base·2ⁿ (2 ms slack
			// for the log's millisecond clock and timer granularity).
			const [first, second, third] = gaps(ENDPOINT.credit);
			expect(first).toBeGreaterThanOrEqual(48);
			expect(second).toBeGreaterThanOrEqual(98);
			expect(third).toBeGreaterThanOrEqual(198);
		},
	);

	it('retries a read after a connection reset, then succeeds', async () => {
		fx.sim.configure({ credits: 77 });
		await axios.post(`${fx.sim.controlUrl}/outage`, { ms: 120 });
		const probe = { attempts: [] as string[] };
		await expect(call<number>(credit, {}, probe)).resolves.toBe(77);
		expect(probe.attempts[0]).toBe('ECONNRESET');
		expect(probe.attempts[probe.attempts.length - 1]).toBe('answered');
		expect(fx.sim.counters().faults.outageDrops).toBe(probe.attempts.length - 1);
	});

	it('gives up after the configured number of retries with the last answer', async () => {
		fx.sim.configure({ faults: { http500: { rate: 1, scope: 'reads' } } });
		const error = await caught(
			call({ ...credit, retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20 } }),
		);
		expect(error).toMatchObject({ code: 500 });
		expect(fx.apiRequests(ENDPOINT.credit)).toHaveLength(3);
	});

	it('does not retry answers that will not change (401, 422)', async () => {
		await caught(call(credit, { apiKey: 'nope' }));
		await caught(
			call({
				method: 'GET',
				endpoint: ENDPOINTS.recordInfo,
				qs: { taskId: 'abc' },
				resend: 'safe',
			}),
		);
		expect(fx.apiRequests()).toHaveLength(2);
	});
});

describe('creates (paid) are retried only when kie certainly created nothing', () => {
	it('a 500 sent after the task was committed: not retried, exactly one task created', async () => {
		fx.sim.configure({
			faults: { http500: { rate: 1, scope: 'creates' }, create500AfterCommit: true },
		});
		const error = await caught(call(generate()));
		expect(error).toBeInstanceOf(KieApiError);
		expect(error).toMatchObject({ code: 500 });
		expect(fx.apiRequests(ENDPOINT.generate)).toHaveLength(1);
		expect(fx.sim.counters().tasksCreated).toBe(1);
	});

	it('a 500 before anything was created is not retried either (the client cannot tell the difference)', async () => {
		fx.sim.configure({ faults: { http500: { rate: 1, scope: 'creates' } } });
		await caught(call(generate()));
		expect(fx.apiRequests(ENDPOINT.generate)).toHaveLength(1);
		expect(fx.sim.counters().tasksCreated).toBe(0);
	});

	it('a connection reset is not retried and the error says the task may exist', async () => {
		await axios.post(`${fx.sim.controlUrl}/outage`, { ms: 60_000 });
		const error = await caught(call(generate()));
		expect(error).toBeInstanceOf(KieTransportError);
		expect(error).toMatchObject({ networkCode: 'ECONNRESET' });
		expect((error as Error).message).toMatch(/may or may not have been created/);
		expect(fx.sim.counters().faults.outageDrops).toBe(1);
	});

	it('a 429 is retried until kie accepts; one task per create', async () => {
		fx.sim.configure({ rateLimit: { max: 1, windowMs: 300 } });
		const first = await call<{ taskId: string }>(generate('first'));
		const second = await call<{ taskId: string }>(generate('second'));
		expect(second.taskId).not.toBe(first.taskId);
		expect(fx.sim.counters().rateLimited).toBeGreaterThan(0);
		expect(fx.sim.counters().tasksCreated).toBe(2);
		expect(fx.apiRequests(ENDPOINT.generate).filter((r) => r.code === 200)).toHaveLength(2);
	});

	it('a 455 (maintenance) is retried; one task created', async () => {
		fx.sim.configure({ maintenance: true });
		const created = call<{ taskId: string }>(generate());
		await recoverAfter(2, ENDPOINT.generate, { maintenance: false });
		await expect(created).resolves.toHaveProperty('taskId');
		expect(fx.apiRequests(ENDPOINT.generate).map((r) => r.code)).toEqual([455, 455, 200]);
		expect(fx.sim.counters().tasksCreated).toBe(1);
	});

	it('connection refused (nothing listening yet) is retried, and the create lands once the API is up', async () => {
		const port = await freePort();
		const probe = { attempts: [] as string[] };
		const created = call<{ taskId: string }>(
			generate(),
			{ baseUrl: `http://127.0.0.1:${port}` },
			probe,
		);
		await until(() => probe.attempts.length > 0, 5000, 'first attempt');
		const late = await startSimulator({ apiKey: fx.apiKey, port, profile: 'fast' });
		try {
			await expect(created).resolves.toHaveProperty('taskId');
			expect(probe.attempts[0]).toBe('ECONNREFUSED');
			expect(probe.attempts[probe.attempts.length - 1]).toBe('answered');
			expect(late.counters().tasksCreated).toBe(1);
		} finally {
			await late.stop();
		}
	});

	it('connection refused for good: retried up to the limit, then a clear error without "may exist"', async () => {
		const port = await freePort();
		const probe = { attempts: [] as string[] };
		const error = await caught(
			call(
				{ ...generate(), retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20 } },
				{ baseUrl: `http://127.0.0.1:${port}` },
				probe,
			),
		);
		expect(error).toBeInstanceOf(KieTransportError);
		expect(error).toMatchObject({ networkCode: 'ECONNREFUSED' });
		expect((error as Error).message).not.toMatch(/may or may not/);
		expect(probe.attempts).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
	});
});

describe('client-side create limiter', () => {
	it('keeps 25 concurrent creates within maxCreates per window, so kie never answers 429', async () => {
		const limit = { maxCreates: 5, windowMs: 300 };
		fx.sim.configure({ rateLimit: { max: limit.maxCreates, windowMs: limit.windowMs } });
		const results = await Promise.all(
			Array.from(
				{ length: 25 },
				async (_, i) =>
					await call<{ taskId: string }>({ ...generate(`shot ${i}`), rateLimit: limit }),
			),
		);
		expect(new Set(results.map((r) => r.taskId)).size).toBe(25);
		expect(fx.sim.counters()).toMatchObject({ tasksCreated: 25, rateLimited: 0 });
		const times = fx.apiRequests(ENDPOINT.generate).map((r) => Date.parse(r.time));
		expect(times).toHaveLength(25);
		// Any maxCreates+1 consecutive creates span at least a window (2 ms slack for the two clocks).
		for (let i = limit.maxCreates; i < times.length; i++) {
			expect(times[i] - times[i - limit.maxCreates]).toBeGreaterThanOrEqual(limit.windowMs - 2);
		}
	});

	it('a create waiting for a slot stops when the execution is cancelled, without sending', async () => {
		const limit = { maxCreates: 1, windowMs: 60_000 };
		await call({ ...generate('takes the only slot'), rateLimit: limit });
		const controller = new AbortController();
		const ctx = veo3ExecuteContext(fx.creds(), {}, undefined, controller.signal);
		const waiting = kieRequest(ctx, await getApiConfig(ctx), {
			...generate('must wait'),
			rateLimit: limit,
			signal: controller.signal,
		});
		await sleep(30);
		controller.abort();
		await expect(waiting).rejects.toBeInstanceOf(ExecutionCancelledError);
		expect(fx.apiRequests(ENDPOINT.generate)).toHaveLength(1);
	});
});

describe('a credential the caller holds already (callback webhooks)', () => {
	const held = () => {
		const creds = fx.creds();
		return {
			ctx: veo3ExecuteContext(creds),
			creds: creds as unknown as ICredentialDataDecryptedObject,
		};
	};

	it("carries the key itself, not n8n's credential read, and kie accepts it", async () => {
		const { ctx, creds } = held();
		const config = await getApiConfig(ctx, creds);
		ctx.helpers.httpRequestWithAuthentication = (() => {
			throw new Error('the held credential should have been used');
		}) as typeof ctx.helpers.httpRequestWithAuthentication;
		await expect(kieRequest(ctx, config, credit)).resolves.toEqual(expect.any(Number));
		const wrong = await getApiConfig(ctx, { ...creds, apiKey: 'sk-not-the-key' });
		const refused = await caught(kieRequest(ctx, wrong, credit));
		expect(refused).toMatchObject({ code: 401 });
		expect(fx.apiRequests(ENDPOINT.credit).map((r) => r.code)).toEqual([200, 401]);
	});

	it('never shows the key: not in JSON, not in the keys, not in a network error', async () => {
		const port = await freePort();
		const { ctx, creds } = held();
		const config = await getApiConfig(ctx, { ...creds, baseUrl: `http://127.0.0.1:${port}` });
		expect(JSON.stringify(config)).not.toContain(fx.apiKey);
		expect(Object.keys(config)).toEqual(['baseUrl', 'uploadBaseUrl']);
		const error = await caught(kieRequest(ctx, config, { ...credit, retry: NO_RETRY }));
		expect(error).toBeInstanceOf(KieTransportError);
		expect(JSON.stringify(error)).not.toContain(fx.apiKey);
		expect(String((error as Error).message)).not.toContain(fx.apiKey);
		expect(String((error as Error).stack)).not.toContain(fx.apiKey);
	});
});

describe('networkCodeOf', () => {
	it("finds the code in errors raised by n8n's request helper for real connections", async () => {
		const port = await freePort();
		const ctx = veo3ExecuteContext(fx.creds({ baseUrl: `http://127.0.0.1:${port}` }));
		const refused = await caught(
			ctx.helpers.httpRequestWithAuthentication.call(ctx, 'veo3Api', {
				method: 'GET',
				url: `http://127.0.0.1:${port}/x`,
			}),
		);
		expect(networkCodeOf(refused)).toBe('ECONNREFUSED');

		await axios.post(`${fx.sim.controlUrl}/outage`, { ms: 60_000 });
		const reset = await caught(
			ctx.helpers.httpRequestWithAuthentication.call(ctx, 'veo3Api', {
				method: 'GET',
				url: `${fx.sim.url}${ENDPOINTS.credit}`,
			}),
		);
		expect(networkCodeOf(reset)).toBe('ECONNRESET');
	});

	it.each([
		['a plain code', { code: 'ETIMEDOUT' }, 'ETIMEDOUT'],
		[
			'a nested cause',
			{ message: 'wrapped', cause: { message: 'again', cause: { code: 'EPIPE' } } },
			'EPIPE',
		],
		[
			'an AggregateError (IPv4 and IPv6 both refused)',
			new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'all failed'),
			'ECONNREFUSED',
		],
		['"socket hang up" in the message', new Error('socket hang up'), 'ECONNRESET'],
		['undici socket errors', { code: 'UND_ERR_SOCKET' }, 'UND_ERR_SOCKET'],
		[
			'a code named only in the message',
			new Error('connect ECONNREFUSED 127.0.0.1:1'),
			'ECONNREFUSED',
		],
	])('reads %s', (_label, error, code) => {
		expect(networkCodeOf(error)).toBe(code);
	});

	it.each([
		['null', null],
		['a string', 'ECONNRESET'],
		['an HTTP status code', { code: 401 }],
		['an error without a network code', new Error('boom')],
		[
			'an error that is its own cause',
			(() => {
				const looped: { message: string; cause?: unknown } = { message: 'loop' };
				looped.cause = looped;
				return looped;
			})(),
		],
	])('returns undefined for %s', (_label, error) => {
		expect(networkCodeOf(error)).toBeUndefined();
	});
});
