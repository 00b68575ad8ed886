/* Benchmarks in a real n8n 2.x (test/e2e/n8n-v2, installed by test/e2e/install.sh v2):
 *  completion → continuation latency: our callback resume, our poll mode (defaults), the common
 *     template (Webhook → HTTP Request create → Wait 30 s → HTTP Request status → IF loop);
 *  peak RSS growth of n8n (main + task runner) while downloading a 200 MB video into binary data;
 *  executions held: 100 videos in flight, regular mode with N8N_CONCURRENCY_PRODUCTION_LIMIT=10,
 *     and queue mode (2 workers × concurrency 5), callback vs poll.
 * Prints figures as it goes; asserts nothing. Run alone: `npx tsx bench/realn8n.ts`. */
import axios from 'axios';

import {
	setupOwner,
	startN8n,
	startSimulatorForE2E,
	type N8nApi,
	type N8nHandle,
} from '../test/e2e/lib';
import {
	activateOn,
	findN8nProcesses,
	rssBytes,
	startQueueCluster,
} from '../test/e2e/queue/cluster';
import {
	chain,
	generateFlow,
	templateFlow,
	veo3,
	webhookNode,
	type CredRef,
} from '../test/e2e/queue/workflows';
import { callbackVsWaitNode } from './callbackVsWait';
import type { BenchResults, HeldStats, LatencyStats } from './report';
import { latencyStats } from './stats';

const API_KEY = 'bench-real-key';
const HMAC = 'bench-real-hmac';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const http = axios.create({
	proxy: false,
	validateStatus: () => true,
	timeout: 120_000,
	maxContentLength: Infinity,
	maxBodyLength: Infinity,
});

/** mulberry32: the same render times every run. */
function rng(seed: number): () => number {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

async function credential(api: N8nApi, sim: any): Promise<CredRef> {
	const c = await api.createCredential('veo3Api', 'kie (simulator)', {
		apiKey: API_KEY,
		baseUrl: sim.url,
		uploadBaseUrl: sim.uploadUrl,
		webhookHmacSecret: HMAC,
	});
	return { id: c.id, name: c.name };
}

async function deploy(
	api: N8nApi,
	json: any,
	webhookBase: string,
	paths: string[],
): Promise<string> {
	const wf = await api.createWorkflow(json);
	await activateOn(
		api,
		wf.id,
		paths.map((p) => `${webhookBase}/webhook/${p}`),
	);
	return wf.id;
}

async function allExecutions(api: N8nApi, workflowId: string): Promise<any[]> {
	const out: any[] = [];
	let cursor: string | undefined;
	do {
		const q = new URLSearchParams({ workflowId, limit: '250', includeData: 'false' });
		if (cursor) q.set('cursor', cursor);
		const res = await api.publicApi<{ data: any[]; nextCursor?: string | null }>(
			'GET',
			`/executions?${q}`,
		);
		out.push(...res.data);
		cursor = res.nextCursor ?? undefined;
	} while (cursor);
	return out;
}

async function waitAllFinished(
	api: N8nApi,
	workflowId: string,
	n: number,
	timeoutMs: number,
	label: string,
): Promise<any[]> {
	const deadline = Date.now() + timeoutMs;
	let last = 0;
	for (;;) {
		const list = await allExecutions(api, workflowId);
		const done = list.filter((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status));
		if (done.length !== last) {
			last = done.length;
		}
		if (done.length >= n) return done;
		if (Date.now() > deadline)
			throw new Error(`${label}: only ${done.length}/${n} executions finished in ${timeoutMs} ms`);
		await sleep(1000);
	}
}

// ---- latency -------------------------------------------------------------------------------

const TASKS = 50;
const RENDER_MIN_MS = 5_000;
const RENDER_SPAN_MS = 30_000;
const STAGGER_MS = 300;

async function latencyBench(n8n: N8nHandle, api: N8nApi, sim: any, cred: CredRef, only?: string[]) {
	const base = n8n.baseUrl;
	const all = {
		callback: generateFlow('lat-callback', cred, 'callback'),
		poll: generateFlow('lat-poll', cred, 'poll', {}, { downloadVideo: false }),
		template: templateFlow('lat-template', sim.url, API_KEY, 30),
	};
	const flows = Object.fromEntries(Object.entries(all).filter(([k]) => !only || only.includes(k)));
	const ids: Record<string, string> = {};
	for (const [k, json] of Object.entries(flows))
		ids[k] = await deploy(api, json, base, [`lat-${k}`]);

	// Renders never end by themselves; this loop completes each task at createdAt + a seeded
	// uniform render time in [5 s, 35 s], so completions fall at every phase of a poll or Wait cycle.
	sim.configure({ renderMs: 3_600_000 });
	const rand = rng(42);
	const scheduled = new Set<string>();
	let stop = false;
	const completer = (async () => {
		while (!stop) {
			for (const t of sim.tasks()) {
				if (scheduled.has(t.id) || !String(t.prompt).startsWith('lat ')) continue;
				scheduled.add(t.id);
				const at = t.createdAt + RENDER_MIN_MS + Math.round(rand() * RENDER_SPAN_MS);
				setTimeout(
					() => void http.post(`${sim.controlUrl}/tasks/${t.id}/complete`, {}),
					Math.max(0, at - Date.now()),
				);
			}
			await sleep(20);
		}
	})();
	const t0 = Date.now();
	// One strategy at a time, so each is measured on an n8n that is not also busy with the others.
	const done: Array<readonly [string, any[]]> = [];
	for (const k of Object.keys(flows)) {
		for (let i = 0; i < TASKS; i++) {
			void http.post(`${base}/webhook/lat-${k}`, { prompt: `lat ${k} ${i}` });
			await sleep(STAGGER_MS);
		}
		done.push([k, await waitAllFinished(api, ids[k], TASKS, 240_000, `latency ${k}`)] as const);
	}
	stop = true;
	await completer;
	const result: Record<string, LatencyStats> = {};
	for (const [k, list] of done) {
		const samples: number[] = [];
		let failed = 0;
		for (const summary of list) {
			const e = await api.getExecution(summary.id, true);
			const run = e.data?.resultData?.runData ?? {};
			if (e.status !== 'success' || !run.Next) {
				failed++;
				continue;
			}
			const taskId =
				k === 'template'
					? run.Create[0].data.main[0][0].json.data.taskId
					: run.Veo3.at(-1).data.main[0][0].json.taskId;
			const completedAt = sim.task(taskId)?.completedAt;
			samples.push(run.Next[0].startTime - completedAt);
		}
		result[k] = latencyStats(samples);
		console.log(
			`  latency ${k}: ${JSON.stringify(result[k])}${failed ? ` (${failed} executions failed)` : ''}`,
		);
	}
	console.log(`  latency run took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	sim.configure({ renderMs: 300 });
	return {
		callback: result.callback,
		poll: result.poll,
		template: result.template,
		versusWaitNode: await callbackVsWaitNode(n8n, api, sim, cred),
	};
}

/** Wait for Callback alone, and against n8n's own Wait node (npm run bench -- --callback-only). */
export async function callbackLatency(): Promise<Pick<BenchResults, 'latency'>> {
	const sim = await startSimulatorForE2E({
		apiKey: API_KEY,
		hmacKey: HMAC,
		profile: 'fast',
		renderMs: 300,
		credits: 1e9,
		rateLimit: { max: 100_000 },
		callbackRetries: 1,
	});
	const n8n = await startN8n({ version: 'v2', name: 'bench-callback' });
	try {
		const api = await setupOwner(n8n);
		const lat = await latencyBench(n8n, api, sim, await credential(api, sim), ['callback']);
		return {
			latency: {
				n8nVersion: '2.41.1',
				renderMs: RENDER_MIN_MS + RENDER_SPAN_MS / 2,
				...lat,
			} as NonNullable<BenchResults['latency']>,
		};
	} finally {
		await n8n.stop();
		await sim.stop();
	}
}

// ---- memory --------------------------------------------------------------------------------

const BIG = 200 * 2 ** 20;

function n8nRss(userFolder: string): { total: number; pids: number[] } {
	const procs = findN8nProcesses(userFolder).filter(
		(p) => p.role === 'start' || p.role === 'runner',
	);
	return { total: procs.reduce((s, p) => s + rssBytes(p.pid), 0), pids: procs.map((p) => p.pid) };
}

async function peakGrowth(
	n8n: N8nHandle,
	api: N8nApi,
	workflowId: string,
	path: string,
): Promise<number> {
	await sleep(3000); // let the previous run's buffers be collected
	const before: number[] = [];
	for (let i = 0; i < 20; i++) {
		before.push(n8nRss(n8n.userFolder).total);
		await sleep(50);
	}
	const baseline = before.reduce((a, b) => a + b, 0) / before.length;
	let peak = baseline;
	let sampling = true;
	const sampler = (async () => {
		while (sampling) {
			peak = Math.max(peak, n8nRss(n8n.userFolder).total);
			await sleep(50);
		}
	})();
	const n0 = (await allExecutions(api, workflowId)).length;
	const res = await http.post(`${n8n.baseUrl}/webhook/${path}`, {});
	if (res.status !== 200) throw new Error(`memory ${path}: webhook answered ${res.status}`);
	const [last] = await (async () => {
		for (;;) {
			const list = await allExecutions(api, workflowId);
			const done = list.filter((e) =>
				['success', 'error', 'crashed', 'canceled'].includes(e.status),
			);
			if (done.length > n0) return done;
			await sleep(100);
		}
	})();
	sampling = false;
	await sampler;
	const e = await api.getExecution(last.id, true);
	const bin = Object.values(e.data.resultData.runData)
		.flatMap((runs: any) => runs.at(-1).data?.main?.[0] ?? [])
		.find((i: any) => i.binary?.data)?.binary?.data;
	if (e.status !== 'success' || !bin)
		throw new Error(`memory ${path}: execution ${e.id} ${e.status}, binary ${JSON.stringify(bin)}`);
	const growthMb = (peak - baseline) / 2 ** 20;
	console.log(
		`  memory ${path}: baseline ${(baseline / 2 ** 20).toFixed(0)} MB, peak growth ${growthMb.toFixed(1)} MB, binary ${bin.fileSize} (${bin.id})`,
	);
	return growthMb;
}

async function memoryBench(n8n: N8nHandle, api: N8nApi, sim: any, cred: CredRef) {
	sim.configure({ largeResultBytes: BIG, renderMs: 300 });
	const created = await http.post(
		`${sim.url}/api/v1/veo/generate`,
		{ prompt: 'a 200 MB video', model: 'veo3_fast' },
		{ headers: { Authorization: `Bearer ${API_KEY}` } },
	);
	const taskId = created.data.data.taskId as string;
	await sleep(1500);
	sim.configure({ largeResultBytes: null });
	const task = sim.task(taskId);
	const url = (task.record.response.resultUrls as string[])[0];
	const ours = await deploy(
		api,
		chain('memory ours', [
			webhookNode('mem-ours'),
			veo3(
				'Download',
				{
					resource: 'video',
					operation: 'download',
					source: 'taskId',
					taskId,
					which: 'result',
					binaryPropertyOutput: 'data',
				},
				cred,
			),
		]),
		n8n.baseUrl,
		['mem-ours'],
	);
	const httpNode = {
		id: 'http-dl',
		name: 'HTTP Request',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [300, 0],
		parameters: {
			method: 'GET',
			url,
			options: { response: { response: { responseFormat: 'file', outputPropertyName: 'data' } } },
		},
	};
	const theirs = await deploy(
		api,
		chain('memory http request', [webhookNode('mem-http'), httpNode]),
		n8n.baseUrl,
		['mem-http'],
	);
	const oursRuns: number[] = [];
	const httpRuns: number[] = [];
	for (let round = 0; round < 2; round++) {
		oursRuns.push(await peakGrowth(n8n, api, ours, 'mem-ours'));
		httpRuns.push(await peakGrowth(n8n, api, theirs, 'mem-http'));
	}
	const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];
	return {
		fileBytes: BIG,
		oursMb: med(oursRuns),
		httpRequestNodeMb: med(httpRuns),
		oursRunsMb: oursRuns,
		httpRequestNodeRunsMb: httpRuns,
	};
}

// ---- executions held -----------------------------------------------------------------------

const VIDEOS = 100;
const HELD_RENDER_MS = 8_000;
const HELD_POLL_S = 1;

async function heldRun(
	api: N8nApi,
	webhookBase: string,
	workflowId: string,
	path: string,
	label: string,
): Promise<HeldStats> {
	let peakRunning = 0;
	let peakWaiting = 0;
	let peakQueued = 0;
	let done = 0;
	const t0 = Date.now();
	let firing = true;
	const fired = (async () => {
		// 10 webhook calls in flight at a time: a burst of 100 arrivals within a second or two.
		let next = 0;
		await Promise.all(
			Array.from({ length: 10 }, async () => {
				while (next < VIDEOS) {
					const i = next++;
					const res = await http.post(`${webhookBase}/webhook/${path}`, {
						prompt: `held ${label} ${i}`,
					});
					if (res.status !== 200) console.log(`  ${label}: webhook ${i} answered ${res.status}`);
				}
			}),
		);
		firing = false;
	})();
	const deadline = t0 + 15 * 60_000;
	while (Date.now() < deadline) {
		const list = await allExecutions(api, workflowId);
		const count = (s: string) => list.filter((e) => e.status === s).length;
		peakRunning = Math.max(peakRunning, count('running'));
		peakWaiting = Math.max(peakWaiting, count('waiting'));
		peakQueued = Math.max(peakQueued, count('new'));
		done = list.filter((e) =>
			['success', 'error', 'crashed', 'canceled'].includes(e.status),
		).length;
		if (!firing && done >= VIDEOS) break;
		await sleep(500);
	}
	await fired;
	const totalMs = Date.now() - t0;
	const failed = (await allExecutions(api, workflowId)).filter(
		(e) => e.status !== 'success',
	).length;
	const out = { peakRunning, peakWaiting, peakQueued, totalMs, finished: done, failed };
	console.log(`  held ${label}: ${JSON.stringify(out)}`);
	return out;
}

async function heldBench(api: N8nApi, webhookBase: string, sim: any, cred: CredRef, tag: string) {
	sim.configure({ renderMs: HELD_RENDER_MS });
	const cb = await deploy(api, generateFlow(`held-cb-${tag}`, cred, 'callback'), webhookBase, [
		`held-cb-${tag}`,
	]);
	const poll = await deploy(
		api,
		generateFlow(
			`held-poll-${tag}`,
			cred,
			'poll',
			{ pollIntervalSeconds: HELD_POLL_S },
			{ downloadVideo: false },
		),
		webhookBase,
		[`held-poll-${tag}`],
	);
	const callback = await heldRun(api, webhookBase, cb, `held-cb-${tag}`, `${tag} callback`);
	const polled = await heldRun(api, webhookBase, poll, `held-poll-${tag}`, `${tag} poll`);
	return { callback, poll: polled };
}

// ---- entry ------------------------------------------------------------------------------------

export async function realN8nBenchmarks(): Promise<Partial<BenchResults>> {
	const out: Partial<BenchResults> = { held: [], notes: [] };
	const n8nVersion = '2.41.1';
	const sim = await startSimulatorForE2E({
		apiKey: API_KEY,
		hmacKey: HMAC,
		profile: 'fast',
		renderMs: 300,
		credits: 1e9,
		rateLimit: { max: 100_000 },
		callbackRetries: 1,
	});
	try {
		// Regular mode, no concurrency limit, filesystem binary data: latency and memory.
		{
			const t = Date.now();
			const n8n = await startN8n({
				version: 'v2',
				name: 'bench-regular',
				env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', N8N_PAYLOAD_SIZE_MAX: '512' },
			});
			console.log(`real n8n ${n8nVersion} (regular) ready in ${Date.now() - t} ms`);
			try {
				const api = await setupOwner(n8n);
				const cred = await credential(api, sim);
				console.log(
					`completion → continuation latency, ${TASKS} tasks each, started ${STAGGER_MS} ms apart, render uniform ${RENDER_MIN_MS / 1000}–${(RENDER_MIN_MS + RENDER_SPAN_MS) / 1000} s…`,
				);
				const lat = await latencyBench(n8n, api, sim, cred);
				out.latency = { n8nVersion, renderMs: RENDER_MIN_MS + RENDER_SPAN_MS / 2, ...lat };
				console.log('memory: 200 MB video into binary data (filesystem mode)…');
				const mem = await memoryBench(n8n, api, sim, cred);
				out.memory = { n8nVersion, ...mem };
				console.log(
					`  memory: ours ${mem.oursMb.toFixed(1)} MB vs HTTP Request ${mem.httpRequestNodeMb.toFixed(1)} MB`,
				);
			} finally {
				await n8n.stop();
			}
		}
		// Regular mode with N8N_CONCURRENCY_PRODUCTION_LIMIT=10: executions held.
		{
			const t = Date.now();
			const n8n = await startN8n({
				version: 'v2',
				name: 'bench-limit10',
				env: { N8N_CONCURRENCY_PRODUCTION_LIMIT: '10' },
			});
			console.log(`real n8n (regular, production concurrency 10) ready in ${Date.now() - t} ms`);
			try {
				const api = await setupOwner(n8n);
				const cred = await credential(api, sim);
				console.log(
					`executions held: ${VIDEOS} videos, render ${HELD_RENDER_MS / 1000} s, poll every ${HELD_POLL_S} s, regular mode…`,
				);
				const h = await heldBench(api, n8n.baseUrl, sim, cred, 'regular');
				out.held!.push({
					label: 'regular mode, N8N_CONCURRENCY_PRODUCTION_LIMIT=10',
					n8nVersion,
					videos: VIDEOS,
					concurrency: 10,
					...h,
				});
			} finally {
				await n8n.stop();
			}
		}
		// Queue mode: main + webhook processor + 2 workers × concurrency 5.
		{
			const t = Date.now();
			const cluster = await startQueueCluster({
				workers: 2,
				workerConcurrency: 5,
				name: 'bench-queue',
			});
			console.log(`real n8n queue cluster ready in ${Date.now() - t} ms`);
			try {
				const api = await setupOwner(cluster.main);
				const cred = await credential(api, sim);
				console.log(`executions held: ${VIDEOS} videos, queue mode, 2 workers × concurrency 5…`);
				const h = await heldBench(api, cluster.webhookBaseUrl, sim, cred, 'queue');
				out.held!.push({
					label: 'queue mode, 2 workers × concurrency 5 (webhook processor, Redis, Postgres)',
					n8nVersion,
					videos: VIDEOS,
					concurrency: 10,
					...h,
				});
			} finally {
				await cluster.stop();
			}
		}
	} finally {
		await sim.stop();
	}
	out.notes!.push(
		`Latency: ${TASKS} tasks per strategy, one strategy at a time in one n8n (regular mode, SQLite), tasks started ${STAGGER_MS} ms apart; each task's render is a seeded uniform ${RENDER_MIN_MS / 1000}–${(RENDER_MIN_MS + RENDER_SPAN_MS) / 1000} s (real renders take 2–5 min; shortened to keep the run bounded). Latency = the next node's startTime in n8n's execution data − the simulator's completedAt. Poll mode uses its defaults (first check after 15 s, ×1.3 back-off up to 60 s; with real 2–5 min renders the checks are further apart, so its latency would be larger). The template's status checks run every 30 s.`,
		`Memory: peak VmRSS growth of n8n main + its task runner, sampled every 50 ms, over the mean of 1 s before the download; median of 2 runs each, alternating.`,
		`Executions held: ${VIDEOS} webhook calls fired as fast as n8n accepts them (10 in flight); render ${HELD_RENDER_MS / 1000} s for every task; poll mode checks every ${HELD_POLL_S} s (scaled down from the 15 s default so the run stays bounded). "running" = status running, "waiting" = parked (status waiting), "queued" = accepted but not started (status new); sampled every 0.5 s from the public executions API.`,
	);
	return out;
}

if (require.main === module) {
	realN8nBenchmarks().then(
		(r) => {
			console.log(JSON.stringify(r, null, 2));
			process.exit(0);
		},
		(e) => {
			console.error(e);
			process.exit(1);
		},
	);
}
