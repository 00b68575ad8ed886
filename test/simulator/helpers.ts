/**
 * Shared helpers for the simulator contract tests: a started simulator with ready-made axios
 * clients, a callback receiver, and polling.
 */
import axios, { type AxiosInstance } from 'axios';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator, type ConfigPatch, type RunningSimulator } from '../../simulator';

export const API_KEY = 'test-api-key';

export interface Harness {
	sim: RunningSimulator;
	/** Authenticated client on the API base URL; never throws on HTTP status. */
	api: AxiosInstance;
	/** Client on the upload base URL (authenticated). */
	upload: AxiosInstance;
	/** Client on the control URL (no auth). */
	control: AxiosInstance;
	/** Client without Authorization. */
	anon: AxiosInstance;
}

export async function startHarness(opts: ConfigPatch = {}): Promise<Harness> {
	const sim = await startSimulator({ apiKey: API_KEY, ...opts });
	const common = { validateStatus: () => true, maxRedirects: 0 };
	const auth = { Authorization: `Bearer ${API_KEY}` };
	return {
		sim,
		api: axios.create({ ...common, baseURL: sim.url, headers: auth }),
		upload: axios.create({ ...common, baseURL: sim.uploadUrl, headers: auth }),
		control: axios.create({ ...common, baseURL: sim.controlUrl }),
		anon: axios.create({ ...common, baseURL: sim.url }),
	};
}

/** Create a generation task and return its id (fails the test on a non-200 envelope). */
export async function generate(
	api: AxiosInstance,
	body: Record<string, unknown> = {},
): Promise<string> {
	const res = await api.post('/api/v1/veo/generate', {
		prompt: 'a cat on a skateboard',
		model: 'veo3_fast',
		...body,
	});
	if (res.data?.code !== 200) throw new Error(`generate failed: ${JSON.stringify(res.data)}`);
	return res.data.data.taskId as string;
}

export async function recordInfo(api: AxiosInstance, taskId: string): Promise<any> {
	const res = await api.get('/api/v1/veo/record-info', { params: { taskId } });
	return res.data;
}

export async function waitFor<T>(
	fn: () => T | Promise<T>,
	timeoutMs = 5000,
	everyMs = 20,
): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v as NonNullable<T>;
		if (Date.now() > deadline) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
		await sleep(everyMs);
	}
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll record-info until the task leaves successFlag 0; returns record `data`. */
export async function waitDone(api: AxiosInstance, taskId: string, timeoutMs = 5000): Promise<any> {
	return waitFor(async () => {
		const r = await recordInfo(api, taskId);
		return r.code === 200 && r.data.successFlag !== 0 ? r.data : null;
	}, timeoutMs);
}

export interface Received {
	headers: http.IncomingHttpHeaders;
	raw: string;
	body: any;
	at: number;
}

export interface Receiver {
	url: string;
	received: Received[];
	/** Wait until at least n callbacks arrived. */
	waitForCount(n: number, timeoutMs?: number): Promise<Received[]>;
	close(): Promise<void>;
}

/**
 * A local callback receiver. `respond(n)` decides the HTTP status of the n-th request (1-based);
 * returning null holds the request without answering (for timeout tests).
 */
export async function startReceiver(
	respond: (n: number) => number | null = () => 200,
): Promise<Receiver> {
	const received: Received[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			let body: unknown = null;
			try {
				body = JSON.parse(raw);
			} catch {
				body = null;
			}
			received.push({ headers: req.headers, raw, body, at: Date.now() });
			const status = respond(received.length);
			if (status === null) return;
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end('{"status":"received"}');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/callback`,
		received,
		waitForCount: (n, timeoutMs = 5000) =>
			waitFor(() => (received.length >= n ? received : null), timeoutMs),
		close: () =>
			new Promise<void>((r) => {
				server.close(() => r());
				server.closeAllConnections();
			}),
	};
}
