import {
	KieApiError,
	KieTransportError,
	TaskFailedError,
	WaitTimeoutError,
} from '../errors/errors';
import type { VideoResult } from '../base/interfaces';
import { pause } from '../base/pause';
import { settle } from '../base/settle';

export interface WaitSettings {
	/** Delay before the first check and between early checks. */
	intervalMs: number;
	/** Each delay grows by this factor, up to maxIntervalMs, so long renders cost few requests. */
	backoff: number;
	maxIntervalMs: number;
	/** Give up (WaitTimeoutError) after this long; the task keeps running at kie.ai. */
	maxWaitMs: number;
}

export function waitSettings(intervalSeconds: number, maxWaitMinutes: number): WaitSettings {
	const intervalMs = Math.round(intervalSeconds * 1000);
	return {
		intervalMs,
		backoff: 1.3,
		maxIntervalMs: Math.max(intervalMs, 60000),
		maxWaitMs: Math.round(maxWaitMinutes * 60000),
	};
}

/** The delays a wait uses, in order: exposed so tests and benchmarks can reason about request counts. */
export function* pollDelays(settings: WaitSettings): Generator<number> {
	let delay = settings.intervalMs;
	for (;;) {
		yield delay;
		delay = Math.min(settings.maxIntervalMs, Math.round(delay * settings.backoff));
	}
}

/**
 * Errors worth waiting through while a render runs: kie's transient states after the transport's
 * own retries, and "record is null" just after creation. Anything else (a revoked key, a wrong
 * task ID) ends the wait at once.
 */
export function isTransient(error: unknown): boolean {
	if (error instanceof KieTransportError) return true;
	if (error instanceof KieApiError) {
		return (
			error.code === 429 ||
			error.code === 455 ||
			error.code >= 500 ||
			/record(Info)? is null/i.test(error.kieMessage)
		);
	}
	return false;
}

/**
 * Checks a task until it is final. Success returns the result; a failed task throws
 * TaskFailedError with kie's reason; running out of time throws WaitTimeoutError. Sleeps abort
 * when the execution is cancelled.
 */
export async function waitUntilFinal(
	taskId: string,
	check: () => Promise<VideoResult>,
	settings: WaitSettings,
	signal: AbortSignal | undefined,
): Promise<VideoResult> {
	const started = Date.now();
	const deadline = started + settings.maxWaitMs;
	let lastTransient: unknown;
	for (const delay of pollDelays(settings)) {
		const remaining = deadline - Date.now();
		if (remaining <= 0) break;
		await pause(Math.min(delay, remaining), signal);
		const outcome = await settle(check);
		if (!outcome.ok) {
			if (!isTransient(outcome.error)) throw outcome.error;
			lastTransient = outcome.error;
			continue;
		}
		const result: VideoResult = outcome.value;
		lastTransient = undefined;
		if (result.status === 'success') return result;
		if (result.status === 'failed')
			throw new TaskFailedError(taskId, result.errorCode, result.errorMessage);
	}
	if (lastTransient instanceof Error) {
		throw new WaitTimeoutError(taskId, (Date.now() - started) / 1000, lastTransient.message);
	}
	throw new WaitTimeoutError(taskId, (Date.now() - started) / 1000);
}
