/**
 * Callback delivery (docs/kie-api.md#callback-delivery): POST JSON, 15 s timeout, up to 3 retries on non-2xx or network error,
 * optional HMAC headers (docs/kie-api.md#callback-signature), plus the drop/duplicate faults. Every attempt is counted and logged.
 */
import http from 'node:http';
import https from 'node:https';
import { fourKPayload, generationPayload, type CallbackPayload } from './callbackPayloads';
import { chance } from './random';
import { CancelledError } from './scheduler';
import { signatureHeaders, type SignOptions } from './signing';
import type { CallbackLogEntry, SimState } from './state';
import type { FourKJob, Task } from './types';
import { isHttpUrl } from './validation';

interface DispatchOptions extends SignOptions {
	/** Apply the drop/duplicate faults (automatic callbacks do; control re-sends do not). */
	faults: boolean;
	/** How many identical deliveries to start. */
	copies: number;
}

interface AttemptResult {
	status: number | null;
	error: string | null;
	cancelled: boolean;
}

const AUTOMATIC: DispatchOptions = { faults: true, copies: 1 };

export function sendGenerationCallback(state: SimState, task: Task): void {
	// Tasks without a real URL (absent, or the "playground" placeholder, docs/kie-api.md#generate-request) are polled instead.
	if (task.callBackUrl)
		dispatchCallback(
			state,
			task.callBackUrl,
			generationPayload(state, task),
			'generation',
			AUTOMATIC,
		);
}

export function sendFourKCallback(state: SimState, task: Task, index: number, job: FourKJob): void {
	if (job.callBackUrl)
		dispatchCallback(
			state,
			job.callBackUrl,
			fourKPayload(state, task, index, job),
			'4k',
			AUTOMATIC,
		);
}

/** Start delivering a callback; returns how many deliveries were started. */
export function dispatchCallback(
	state: SimState,
	url: string,
	payload: CallbackPayload,
	kind: CallbackLogEntry['kind'],
	opts: DispatchOptions,
): number {
	if (!isHttpUrl(url)) return 0;
	let copies = opts.copies;
	if (opts.faults) {
		const f = state.config.faults;
		if (chance(state.rng.drop, f.dropCallbackRate)) {
			state.counters.callbacksDropped++;
			return 0;
		}
		if (chance(state.rng.duplicate, f.duplicateCallbackRate)) {
			state.counters.callbacksDuplicated++;
			copies++;
		}
	}
	for (let i = 0; i < copies; i++) void deliver(state, url, payload, kind, opts);
	return copies;
}

async function deliver(
	state: SimState,
	url: string,
	payload: CallbackPayload,
	kind: CallbackLogEntry['kind'],
	opts: SignOptions,
): Promise<void> {
	const { callbackRetries, callbackTimeoutMs } = state.config;
	const retryDelay = state.config.callbackRetryDelayMs ?? state.timings.callbackRetryDelayMs;
	for (let attempt = 1; attempt <= callbackRetries + 1; attempt++) {
		// Signed per attempt: the timestamp is "when the request was sent" (docs/kie-api.md#callback-signature).
		const headers = signatureHeaders(state.config.hmacKey, payload.taskId, opts);
		state.counters.callbacksSent++;
		const result = await postJson(state, url, payload.body, headers, callbackTimeoutMs);
		if (result.cancelled) return;
		state.logCallback({
			time: new Date().toISOString(),
			url,
			taskId: payload.taskId,
			kind,
			attempt,
			status: result.status,
			error: result.error,
			code: payload.code,
		});
		if (result.status !== null && result.status >= 200 && result.status < 300) {
			state.counters.callbacksDelivered++;
			return;
		}
		if (attempt <= callbackRetries && !(await state.scheduler.sleep(retryDelay))) return;
	}
	state.counters.callbacksFailed++;
}

function postJson(
	state: SimState,
	url: string,
	body: unknown,
	extraHeaders: Record<string, string>,
	timeoutMs: number,
): Promise<AttemptResult> {
	return new Promise((resolve) => {
		const target = new URL(url);
		const data = Buffer.from(JSON.stringify(body), 'utf8');
		const lib = target.protocol === 'https:' ? https : http;
		let settled = false;
		const finish = (r: AttemptResult): void => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			resolve(r);
		};
		// agent:false → no pooled keep-alive sockets that would outlive stop().
		const req = lib.request(target, {
			method: 'POST',
			agent: false,
			headers: {
				'content-type': 'application/json',
				'content-length': data.length,
				'user-agent': 'kie-veo-simulator',
				...extraHeaders,
			},
		});
		state.scheduler.track(req);
		// Whole-request deadline (docs/kie-api.md#callback-delivery: the receiver must answer within 15 s).
		const timer = setTimeout(
			() => req.destroy(new Error(`timeout after ${timeoutMs} ms`)),
			timeoutMs,
		);
		req.on('response', (res) => {
			res.resume();
			finish({ status: res.statusCode ?? null, error: null, cancelled: false });
		});
		req.on('error', (err) =>
			finish({ status: null, error: err.message, cancelled: err instanceof CancelledError }),
		);
		req.on('close', () => state.scheduler.untrack(req));
		req.end(data);
	});
}
