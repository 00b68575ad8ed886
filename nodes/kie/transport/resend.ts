import type { IDataObject } from 'n8n-workflow';

import type { RetryPolicy } from '../base/interfaces';

/** When a request may be sent again: back-off with jitter, Retry-After, and the caller's deadline. */
function backoffDelay(policy: RetryPolicy, attempt: number): number {
	const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	// Full jitter spreads retries of many items so they do not hit kie in lockstep.
	return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

/** Longest wait a Retry-After header may ask for before a resend. */
const MAX_RETRY_AFTER_MS = 60000;

/** Retry-After as seconds or as an HTTP date (RFC 9110), in milliseconds from now. */
export function retryAfterMs(headers: IDataObject): number {
	const value = headers['retry-after'];
	if (typeof value !== 'string' && typeof value !== 'number') return 0;
	const text = String(value).trim();
	const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text) - Date.now();
	return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : 0;
}

/** The wait before the next try, or undefined when that would pass the caller's deadline. */
export function nextDelay(policy: RetryPolicy, attempt: number, atLeastMs = 0): number | undefined {
	const delay = Math.max(backoffDelay(policy, attempt), atLeastMs);
	if (policy.deadline !== undefined && Date.now() + delay >= policy.deadline) return undefined;
	return delay;
}

/** A request never outlives the caller's deadline (Max Wait Time is a hard bound). */
export function requestTimeout(policy: RetryPolicy | undefined): number {
	const timeout = policy?.requestTimeoutMs ?? 60000;
	if (policy?.deadline === undefined) return timeout;
	return Math.max(100, Math.min(timeout, policy.deadline - Date.now()));
}
