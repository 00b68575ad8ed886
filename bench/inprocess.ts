/* Benchmarks that run n8n's engine in process (n8n-core WorkflowExecute) against the simulator:
 * batch throughput under the rate limit, per-item overhead vs a raw HTTP loop, and requests per
 * finished video for each waiting strategy. Prints figures; asserts nothing. */
import { Agent } from 'http';

import axios from 'axios';

import { startSimulator, type RunningSimulator } from '../simulator';
import { itemsThenVeo3, runWorkflow } from '../test/harness/engine';
import { CallbackServer } from '../test/harness/webhooks';

const API_KEY = 'bench-key';

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

function creds(sim: RunningSimulator) {
	return { apiKey: API_KEY, baseUrl: sim.url, uploadBaseUrl: sim.uploadUrl };
}

function countRequests(sim: RunningSimulator, endpoint: string): number {
	return sim.counters().requests[endpoint] ?? 0;
}

export interface BatchResult {
	items: number;
	failed: number;
	rateLimited: number;
	windowMs: number;
	maxPerWindow: number;
	renderMs: number;
	totalMs: number;
	boundMs: number;
	ratio: number;
}

/** Batch throughput: 200 prompts through one node execution under kie's limit (real 10 s window by default). */
export async function batchThroughput(): Promise<BatchResult> {
	const items = 200;
	const windowMs = 10000;
	const maxPerWindow = 20;
	const renderMs = 2000;
	const sim = await startSimulator({
		apiKey: API_KEY,
		profile: 'fast',
		renderMs,
		rateLimit: { max: maxPerWindow, windowMs, httpStatus: 200 },
		credits: 1e9,
	});
	try {
		const prompts = Array.from({ length: items }, (_, i) => ({ prompt: `bench prompt ${i}` }));
		const started = Date.now();
		const run = await runWorkflow({
			...itemsThenVeo3(prompts, {
				resource: 'video',
				operation: 'generate',
				prompt: '={{ $json.prompt }}',
				waitMode: 'poll',
				downloadVideo: false,
				rateLimitWindowSeconds: windowMs / 1000,
				options: { pollIntervalSeconds: 0.1, maxWaitMinutes: 10, rateLimitMax: maxPerWindow },
			}),
			credentials: creds(sim),
		});
		const totalMs = Date.now() - started;
		const out = run.output('Veo3');
		// The limit alone forces (items / max - 1) full windows between the first and last create;
		// the last task then needs its render time.
		const boundMs = (Math.ceil(items / maxPerWindow) - 1) * windowMs + renderMs;
		return {
			items,
			failed: out.filter((i) => i.json.status !== 'success').length + (items - out.length),
			rateLimited: sim.counters().rateLimited,
			windowMs,
			maxPerWindow,
			renderMs,
			totalMs,
			boundMs,
			ratio: totalMs / boundMs,
		};
	} finally {
		await sim.stop();
	}
}

export interface OverheadResult {
	items: number;
	n8nMs: number;
	rawSequentialMs: number;
	rawConcurrentMs: number;
	rawNoKeepAliveConcurrentMs: number;
	ratioVsSameConcurrency: number;
	ratioVsNoKeepAlive: number;
	ratioVsSequential: number;
}

/** Per-item overhead: 1000 Get Details items through n8n-core vs a raw axios loop doing the same requests. */
export async function perItemOverhead(): Promise<OverheadResult> {
	const items = 1000;
	const rounds = 3;
	const sim = await startSimulator({
		apiKey: API_KEY,
		profile: 'fast',
		renderMs: 1,
		rateLimit: { max: 1e6, windowMs: 1000, httpStatus: 200 },
		credits: 1e9,
	});
	try {
		const http = axios.create({
			baseURL: sim.url,
			headers: { Authorization: `Bearer ${API_KEY}` },
		});
		// n8n's request helper opens a new connection per request; this client does the same.
		const fresh = axios.create({
			baseURL: sim.url,
			headers: { Authorization: `Bearer ${API_KEY}` },
			httpAgent: new Agent({ keepAlive: false }),
		});
		const ids: string[] = [];
		for (let i = 0; i < items; i++) {
			const { data } = await http.post('/api/v1/veo/generate', {
				prompt: `p${i}`,
				model: 'veo3_fast',
			});
			ids.push(data.data.taskId);
		}
		const get = (taskId: string, client = http) =>
			client.get('/api/v1/veo/record-info', { params: { taskId } });
		const fiveAtATime = async (client: typeof http) => {
			let next = 0;
			await Promise.all(
				Array.from({ length: 5 }, async () => {
					while (next < ids.length) await get(ids[next++], client);
				}),
			);
		};
		const n8nTimes: number[] = [];
		const seqTimes: number[] = [];
		const concTimes: number[] = [];
		const freshTimes: number[] = [];
		// One warm-up round (module loading, JIT) is not counted.
		for (let r = -1; r < rounds; r++) {
			let t = Date.now();
			const run = await runWorkflow({
				...itemsThenVeo3(
					ids.map((taskId) => ({ taskId })),
					{ resource: 'video', operation: 'getDetails', taskId: '={{ $json.taskId }}' },
				),
				credentials: creds(sim),
			});
			if (run.output('Veo3').length !== items) throw new Error('Get Details lost items');
			if (r < 0) continue;
			n8nTimes.push(Date.now() - t);
			t = Date.now();
			for (const id of ids) await get(id);
			seqTimes.push(Date.now() - t);
			t = Date.now();
			await fiveAtATime(http);
			concTimes.push(Date.now() - t);
			t = Date.now();
			await fiveAtATime(fresh);
			freshTimes.push(Date.now() - t);
		}
		const n8nMs = median(n8nTimes);
		const rawSequentialMs = median(seqTimes);
		const rawConcurrentMs = median(concTimes);
		const rawNoKeepAliveConcurrentMs = median(freshTimes);
		return {
			items,
			n8nMs,
			rawSequentialMs,
			rawConcurrentMs,
			rawNoKeepAliveConcurrentMs,
			ratioVsSameConcurrency: n8nMs / rawConcurrentMs,
			ratioVsNoKeepAlive: n8nMs / rawNoKeepAliveConcurrentMs,
			ratioVsSequential: n8nMs / rawSequentialMs,
		};
	} finally {
		await sim.stop();
	}
}

export interface RequestsResult {
	renderSeconds: number;
	timeScale: number;
	callback: { creates: number; reads: number };
	poll: { creates: number; reads: number };
	template: { creates: number; reads: number };
}

/**
 * Requests per video: requests per finished video for a 3-minute render, with time scaled down by `scale` (render
 * and every interval divided alike, so request counts are those of the real durations).
 */
export async function requestsPerVideo(): Promise<RequestsResult> {
	const scale = 30;
	const renderSeconds = 180;
	const renderMs = (renderSeconds * 1000) / scale;
	const sim = await startSimulator({ apiKey: API_KEY, profile: 'fast', renderMs, credits: 1e9 });
	const callbacks = new CallbackServer();
	await callbacks.start();
	try {
		const reads = () => countRequests(sim, 'GET /api/v1/veo/record-info');
		const creates = () => countRequests(sim, 'POST /api/v1/veo/generate');

		// Our poll mode at its defaults: 15 s first interval, ×1.3 back-off, capped at 60 s.
		let r0 = reads();
		let c0 = creates();
		await runWorkflow({
			...itemsThenVeo3([{ prompt: 'poll' }], {
				resource: 'video',
				operation: 'generate',
				prompt: '={{ $json.prompt }}',
				waitMode: 'poll',
				downloadVideo: false,
				options: { pollIntervalSeconds: 15 / scale, maxWaitMinutes: 30 },
			}),
			credentials: creds(sim),
		});
		// The 60 s cap on the interval is never reached within a 3-minute render, so scaling the first
		// interval alone reproduces the real schedule.
		const poll = { creates: creates() - c0, reads: reads() - r0 };

		r0 = reads();
		c0 = creates();
		const parked = await runWorkflow({
			...itemsThenVeo3([{ prompt: 'callback' }], {
				resource: 'video',
				operation: 'generate',
				prompt: '={{ $json.prompt }}',
				waitMode: 'callback',
				options: {},
			}),
			credentials: creds(sim),
			webhookWaitingBaseUrl: callbacks.waitingBaseUrl,
		});
		callbacks.park(parked);
		await callbacks.waitFor(parked.executionId, renderMs + 30000);
		const callback = { creates: creates() - c0, reads: reads() - r0 };

		// The common template: HTTP Request (create) → Wait 30 s → HTTP Request (status) → IF done? else loop.
		r0 = reads();
		c0 = creates();
		const http = axios.create({
			baseURL: sim.url,
			headers: { Authorization: `Bearer ${API_KEY}` },
		});
		const { data } = await http.post('/api/v1/veo/generate', {
			prompt: 'template',
			model: 'veo3_fast',
		});
		for (;;) {
			await new Promise((resolve) => setTimeout(resolve, 30000 / scale));
			const status = await http.get('/api/v1/veo/record-info', {
				params: { taskId: data.data.taskId },
			});
			if (status.data.data.successFlag !== 0) break;
		}
		const template = { creates: creates() - c0, reads: reads() - r0 };
		return { renderSeconds, timeScale: scale, callback, poll, template };
	} finally {
		await callbacks.stop();
		await sim.stop();
	}
}
