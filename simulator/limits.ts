/**
 * The Jobs API's read limits (kie's guide): recordInfo 10 calls per second per taskId, and one
 * budget of 1 call per second shared by models, price, schema and success-rate. Past a limit kie
 * answers code 429 in the body; nothing is queued. Only answered calls count.
 */
import type { ApiResult } from './envelope';
import { rateLimited } from './faults';
import type { SimState } from './state';

const SECOND = 1000;

/** Sliding one-second window: true (and the call counted) when another call fits. */
function take(times: number[], perSecond: number): boolean {
	const now = Date.now();
	while (times.length > 0 && now - times[0] >= SECOND) times.shift();
	if (times.length >= perSecond) return false;
	times.push(now);
	return true;
}

export function recordInfoAllowed(state: SimState, taskId: string): ApiResult | null {
	let times = state.recordInfoTimes.get(taskId);
	if (!times) state.recordInfoTimes.set(taskId, (times = []));
	return take(times, state.config.recordInfoPerTaskPerSecond) ? null : rateLimited(state);
}

export function discoveryAllowed(state: SimState): ApiResult | null {
	return take(state.discoveryTimes, state.config.discoveryPerSecond) ? null : rateLimited(state);
}
