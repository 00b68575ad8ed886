import type { RateLimit } from '../base/interfaces';
import { pause } from '../base/pause';

/**
 * Client-side sliding window for paid creates (kie: 20 new tasks per 10 s per account,
 * docs/kie-api.md#limits). Kept per API base URL for the life of the n8n process, so concurrent items, and successive
 * executions of the node, share one budget and a batch never provokes a 429 by itself.
 *
 * kie stamps a create when it arrives, somewhere between our send and its answer, so a slot is
 * stamped with the time its answer came back (pending slots count as "now"): the next create
 * leaves a full window after that, and cannot land inside kie's window however the network jitters.
 */
interface Slot {
	stamp: number;
	pending: boolean;
}

const windows = new Map<string, Slot[]>();

export interface CreateSlot {
	/** Call when the create's answer arrived (or it failed): starts the slot's window. */
	done(): void;
	/** Call when kie certainly did not count the create (429/455, never sent): frees the slot. */
	release(): void;
}

export async function acquireCreateSlot(
	key: string,
	limit: RateLimit,
	signal: AbortSignal | undefined,
): Promise<CreateSlot> {
	for (;;) {
		const current = Date.now();
		const slots = (windows.get(key) ?? []).filter(
			(s) => s.pending || current - s.stamp < limit.windowMs,
		);
		windows.set(key, slots);
		if (slots.length < limit.maxCreates) {
			const slot: Slot = { stamp: current, pending: true };
			slots.push(slot);
			return {
				done: () => {
					slot.pending = false;
					slot.stamp = Date.now();
				},
				release: () => {
					const list = windows.get(key);
					const at = list?.indexOf(slot) ?? -1;
					if (list && at >= 0) list.splice(at, 1);
				},
			};
		}
		const finished = slots.filter((s) => !s.pending).map((s) => s.stamp);
		// Wait for the oldest finished slot to leave the window, or briefly for pending ones to answer.
		const wait = finished.length > 0 ? Math.min(...finished) + limit.windowMs - current + 1 : 20;
		await pause(Math.max(1, wait), signal);
	}
}

export function resetRateLimiter(): void {
	windows.clear();
}
