import type { CallbackReadsResult } from './callbackReads';
import type { CallbackVsWait } from './callbackVsWait';
import type { BatchResult, OverheadResult, RequestsResult } from './inprocess';
import type { LatencyStats } from './stats';

export type { LatencyStats } from './stats';

export interface BenchResults {
	machine: string;
	date: string;
	requests?: RequestsResult;
	batch?: BatchResult;
	overhead?: OverheadResult;
	/** Real n8n: completion → next node start, ms. */
	latency?: {
		n8nVersion: string;
		renderMs: number;
		callback: LatencyStats;
		poll: LatencyStats;
		template: LatencyStats;
		/** The same callback, measured in pairs with n8n's own Wait node resumed over its URL. */
		versusWaitNode?: CallbackVsWait;
		callbackMeasuredAt?: string;
	};
	/** In process: status reads per video in Wait for Callback mode, callbacks one at a time. */
	callbackReads?: CallbackReadsResult[];
	/** Real n8n: peak RSS growth while downloading a large file into binary data. */
	memory?: {
		n8nVersion: string;
		fileBytes: number;
		oursMb: number;
		httpRequestNodeMb: number;
		oursRunsMb?: number[];
		httpRequestNodeRunsMb?: number[];
	};
	/** Real n8n: executions running vs waiting with renders in flight. */
	held?: Array<{
		label: string;
		n8nVersion: string;
		videos: number;
		concurrency: number;
		callback: HeldStats;
		poll: HeldStats;
	}>;
	notes?: string[];
}

export interface HeldStats {
	peakRunning: number;
	peakWaiting: number;
	totalMs: number;
	/** Accepted but not started yet (status `new`: n8n's concurrency queue or the Bull queue). */
	peakQueued?: number;
	finished?: number;
	failed?: number;
}

const ms = (n: number) => `${Math.round(n)} ms`;
const s = (n: number) => `${(n / 1000).toFixed(1)} s`;
const x = (n: number) => `${n.toFixed(2)}×`;

export function renderReport(r: BenchResults): string {
	const lines: string[] = [
		'# Benchmarks',
		'',
		`Measured ${r.date} on ${r.machine}, with the local kie.ai simulator. Reproduce with \`npm run bench\`.`,
		'',
	];
	if (r.latency) {
		const { callback, poll, template } = r.latency;
		lines.push(
			'## 1. Completion → continuation latency (real n8n)',
			'',
			`n8n ${r.latency.n8nVersion}; time from the simulator marking a task done to the next node starting; render ${s(r.latency.renderMs)}.${r.latency.callbackMeasuredAt ? ` The callback row was measured again on ${r.latency.callbackMeasuredAt} (\`--callback-only\`); the others are from the date above.` : ''}`,
			'',
			'| strategy | samples | p50 | p95 | p99 | p50 vs callback |',
			'|---|---|---|---|---|---|',
			`| Veo3, Wait for Callback | ${callback.samples} | ${ms(callback.p50)} | ${ms(callback.p95)} | ${ms(callback.p99)} | 1.00× |`,
			`| Veo3, Wait Until Done (poll, defaults) | ${poll.samples} | ${ms(poll.p50)} | ${ms(poll.p95)} | ${ms(poll.p99)} | ${x(poll.p50 / callback.p50)} |`,
			`| Template: HTTP Request + Wait 30 s + IF loop | ${template.samples} | ${ms(template.p50)} | ${ms(template.p95)} | ${ms(template.p99)} | ${x(template.p50 / callback.p50)} |`,
			'',
			`Target for callback: p50 ≤ 100 ms, p99 ≤ 500 ms → ${callback.p50 <= 100 && callback.p99 <= 500 ? 'met' : 'missed'}.`,
			'',
		);
	}
	const pair = r.latency?.versusWaitNode;
	if (pair) {
		const ratio = pair.callback.p50 / pair.waitNode.p50;
		lines.push(
			"### Against n8n's own Wait node",
			'',
			`${pair.rounds} rounds in the same n8n; each round parks one Veo3 execution (Wait for Callback) and one with n8n's built-in Wait node ("On Webhook Call"), then releases them one after the other, alternating which goes first.`,
			'',
			'| | p50 | p95 | p99 |',
			'|---|---|---|---|',
			`| Veo3: kie's callback → next node | ${ms(pair.callback.p50)} | ${ms(pair.callback.p95)} | ${ms(pair.callback.p99)} |`,
			`| n8n Wait node: POST to its resume URL → next node | ${ms(pair.waitNode.p50)} | ${ms(pair.waitNode.p95)} | ${ms(pair.waitNode.p99)} |`,
			'',
			`Veo3 vs the Wait node (p50): ${x(ratio)}; target ≤ 1.5× → ${ratio <= 1.5 ? 'met' : 'missed'}.${r.latency?.callbackMeasuredAt ? ` (Measured ${r.latency.callbackMeasuredAt}.)` : ''}`,
			'',
			"The difference is what a callback must do and the Wait node does not: read the credential once (kie's signature is checked with the HMAC key and the task is read with the API key; inside a webhook n8n 2.x starts an expression isolate for each credential read, about 100 ms on two cores) and one status read at kie, because kie signs only the task ID and the time, not the result.",
			'',
		);
	}
	if (r.callbackReads?.length) {
		lines.push(
			'## 2b. Status reads per video, Wait for Callback',
			'',
			"One batch in one execution (in process), kie's callbacks arriving one at a time; every result comes from a status read, never from the unsigned body.",
			'',
			'| batch | every callback delivered twice | status reads | per video | most for one video | resumes |',
			'|---|---|---|---|---|---|',
			...r.callbackReads.map(
				(c) =>
					`| ${c.batch} | ${c.duplicated ? 'yes' : 'no'} | ${c.reads} | ${c.readsPerVideo} | ${c.maxReadsOfOneVideo} | ${c.resumes} |`,
			),
			'',
			`Target ≤ 2 per video → ${r.callbackReads.every((c) => c.readsPerVideo <= 2) ? 'met' : 'missed'}. A webhook process that did not see the earlier callbacks (after a restart, another webhook processor) reads more.`,
			'',
		);
	}
	if (r.requests) {
		const q = r.requests;
		const total = (v: { creates: number; reads: number }) => v.creates + v.reads;
		lines.push(
			'## 2. Requests per finished video',
			'',
			`A ${q.renderSeconds / 60}-minute render, time scaled by 1/${q.timeScale} (render and every interval alike, so counts are those of real durations).`,
			'',
			'| strategy | creates | status reads | total | vs callback |',
			'|---|---|---|---|---|',
			`| Veo3, Wait for Callback | ${q.callback.creates} | ${q.callback.reads} | ${total(q.callback)} | 1.00× |`,
			`| Veo3, Wait Until Done (poll, defaults) | ${q.poll.creates} | ${q.poll.reads} | ${total(q.poll)} | ${x(total(q.poll) / total(q.callback))} |`,
			`| Template: Wait 30 s + IF loop | ${q.template.creates} | ${q.template.reads} | ${total(q.template)} | ${x(total(q.template) / total(q.callback))} |`,
			'',
			`Targets: callback 1 request (+1 status read to verify) → ${total(q.callback) <= 2 ? 'met' : 'missed'}; poll ≤ 8 → ${total(q.poll) <= 8 ? 'met' : 'missed'}.`,
			'',
		);
	}
	if (r.batch) {
		const b = r.batch;
		lines.push(
			'## 3. Batch throughput',
			'',
			`${b.items} prompts through one node execution, with the simulator enforcing ${b.maxPerWindow} creates per ${s(b.windowMs)} (kie's limit is 20 per 10 s); render ${ms(b.renderMs)}. The bound is the time the limit alone forces between the first and the last create, plus one render.`,
			'',
			'| items | failed | 429 answers | total | bound from the rate limit | ratio |',
			'|---|---|---|---|---|---|',
			`| ${b.items} | ${b.failed} | ${b.rateLimited} | ${s(b.totalMs)} | ${s(b.boundMs)} | ${x(b.ratio)} |`,
			'',
			`Target: 0 failed and ≤ 1.1× the bound → ${b.failed === 0 && b.ratio <= 1.1 ? 'met' : 'missed'}. Sequential rendering would take ${s(b.items * b.renderMs + b.boundMs)} or more.`,
			'',
		);
	}
	if (r.overhead) {
		const o = r.overhead;
		lines.push(
			'## 4. Per-item overhead',
			'',
			`${o.items} Get Details items through n8n-core's engine vs raw axios doing the same requests (median of 3 rounds). The node reads 5 items at a time, so the fair comparison is raw axios with 5 in flight.`,
			'',
			'| run | time | ratio |',
			'|---|---|---|',
			`| Veo3 node in n8n-core | ${ms(o.n8nMs)} | 1.00× |`,
			`| raw axios, 5 in flight, keep-alive | ${ms(o.rawConcurrentMs)} | n8n is ${x(o.ratioVsSameConcurrency)} |`,
			`| raw axios, 5 in flight, new connection per request (as n8n's helper) | ${ms(o.rawNoKeepAliveConcurrentMs)} | n8n is ${x(o.ratioVsNoKeepAlive)} |`,
			`| raw axios, one after another | ${ms(o.rawSequentialMs)} | n8n is ${x(o.ratioVsSequential)} |`,
			'',
			`Target ≤ 1.3× → ${o.ratioVsSameConcurrency <= 1.3 ? 'met' : 'missed'} against keep-alive axios, ${o.ratioVsNoKeepAlive <= 1.3 ? 'met' : 'missed'} against axios with n8n's connection handling.`,
			'',
			"What limits it: every request goes through n8n's `httpRequestWithAuthentication` (credential lookup, axios config merging, proxy detection, redirect handling) and opens a new TCP connection; community nodes must use this helper. The node's own per-item work (parameter reading, validation, normalisation) is a small share of the profile.",
			'',
		);
	}
	if (r.memory) {
		const m = r.memory;
		lines.push(
			'## 5. Memory while downloading',
			'',
			`n8n ${m.n8nVersion}, filesystem binary mode, a ${(m.fileBytes / 2 ** 20).toFixed(0)} MB video; peak RSS growth of the n8n process.`,
			'',
			'| node | peak RSS growth | vs ours |',
			'|---|---|---|',
			`| Veo3 Download (streamed) | ${m.oursMb.toFixed(0)} MB | 1.00× |`,
			`| HTTP Request node (file response) | ${m.httpRequestNodeMb.toFixed(0)} MB | ${x(m.httpRequestNodeMb / Math.max(1, m.oursMb))} |`,
			...(m.oursRunsMb && m.httpRequestNodeRunsMb
				? [
						'',
						`Runs (MB): ours ${m.oursRunsMb.map((v) => v.toFixed(0)).join(', ')}; HTTP Request ${m.httpRequestNodeRunsMb.map((v) => v.toFixed(0)).join(', ')}. Measured over n8n main + its task runner.`,
					]
				: []),
			'',
			`Target ≤ +40 MB → ${m.oursMb <= 40 ? 'met' : 'missed'}.`,
			'',
		);
	}
	for (const h of r.held ?? []) {
		lines.push(
			`## 6. Executions held: ${h.label}`,
			'',
			`n8n ${h.n8nVersion}; ${h.videos} videos in flight, concurrency ${h.concurrency}.`,
			'',
			'| mode | peak running (holding a slot) | peak waiting (parked) | peak queued | total time | failed |',
			'|---|---|---|---|---|---|',
			`| Wait for Callback | ${h.callback.peakRunning} | ${h.callback.peakWaiting} | ${h.callback.peakQueued ?? '–'} | ${s(h.callback.totalMs)} | ${h.callback.failed ?? '–'} |`,
			`| Wait Until Done (poll) | ${h.poll.peakRunning} | ${h.poll.peakWaiting} | ${h.poll.peakQueued ?? '–'} | ${s(h.poll.totalMs)} (${x(h.poll.totalMs / h.callback.totalMs)}) | ${h.poll.failed ?? '–'} |`,
			'',
		);
	}
	if (r.notes?.length) lines.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
	return `${lines.join('\n')}\n`;
}
