import type { RateLimit } from './interfaces';
import { pause } from './pause';

/**
 * Client-side sliding window for paid creates (kie: 20 new tasks per 10 s per account, reference
 * §11). Kept per API base URL for the life of the n8n process, so concurrent items, and successive
 * executions of the node, share one budget and a batch never provokes a 429 by itself.
 */
const windows = new Map<string, number[]>();

export async function acquireCreateSlot(
	key: string,
	limit: RateLimit,
	signal: AbortSignal | undefined,
	now: () => number = Date.now,
): Promise<void> {
	for (;;) {
		const stamps = windows.get(key) ?? [];
		const current = now();
		const recent = stamps.filter((t) => current - t < limit.windowMs);
		if (recent.length < limit.maxCreates) {
			recent.push(current);
			windows.set(key, recent);
			return;
		}
		windows.set(key, recent);
		// The oldest stamp leaves the window first; a few ms of margin absorbs clock granularity.
		await pause(recent[0] + limit.windowMs - current + 5, signal);
	}
}

/** Gives a slot back after a create that kie refused before doing anything (429/455). */
export function releaseCreateSlot(key: string): void {
	const stamps = windows.get(key);
	if (stamps && stamps.length > 0) stamps.pop();
}

export function resetRateLimiter(): void {
	windows.clear();
}
