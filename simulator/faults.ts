/**
 * Seeded fault injection and the create rate limit (docs/kie-api.md#limits). Every decision draws from its own named
 * random stream (random.ts), so a run with the same `faults.seed` and the same request sequence
 * hits exactly the same faults.
 */
import type { FaultScope } from './config';
import { fail, MSG, type ApiResult } from './envelope';
import { chance } from './random';
import type { SimState } from './state';

/** reads = record-info, 1080p, credit, download-url; creates = generate, extend, 4K. */
export type EndpointKind = 'read' | 'create' | 'upload';

interface FaultDecision {
	slowMs: number;
	burst429: boolean;
	http500: boolean;
}

function inScope(scope: FaultScope, kind: EndpointKind): boolean {
	return (
		scope === 'all' ||
		(scope === 'reads' && kind === 'read') ||
		(scope === 'creates' && kind === 'create')
	);
}

export function decideFaults(state: SimState, kind: EndpointKind): FaultDecision {
	const f = state.config.faults;
	const slow = inScope(f.slow.scope, kind) && chance(state.rng.slow, f.slow.rate);
	let burst429 = false;
	if (inScope(f.burst429.scope, kind)) {
		if (state.burstRemaining > 0) {
			state.burstRemaining--;
			burst429 = true;
		} else if (chance(state.rng.burst, f.burst429.rate)) {
			state.burstRemaining = Math.max(0, f.burst429.length - 1);
			burst429 = true;
		}
	}
	const http500 = inScope(f.http500.scope, kind) && chance(state.rng.http500, f.http500.rate);
	return { slowMs: slow ? f.slow.ms : 0, burst429, http500 };
}

/** docs/kie-api.md#conventions: G3 documents an HTTP 500 with this body. */
export function serverError(): ApiResult {
	return fail(500, MSG.serverError, null, 500);
}

/** docs/kie-api.md#limits: 429; whether kie sends it as HTTP status or body code is UNCERTAIN → configurable (default 200). */
export function rateLimited(state: SimState): ApiResult {
	state.counters.rateLimited++;
	return fail(429, MSG.rateLimited, null, state.config.rateLimit.httpStatus);
}

/** docs/kie-api.md#limits: "20 new generation requests per 10 seconds" — sliding window over accepted creates. */
export function createWindowFull(state: SimState): boolean {
	const now = Date.now();
	const { max, windowMs } = state.config.rateLimit;
	state.createTimes = state.createTimes.filter((t) => now - t < windowMs);
	return state.createTimes.length >= max;
}

export function recordCreate(state: SimState): void {
	state.createTimes.push(Date.now());
}
