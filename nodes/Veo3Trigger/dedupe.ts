import type { IDataObject } from 'n8n-workflow';

/** kie may deliver the same callback more than once (reference §8.1); remember what already ran. */
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_REMEMBERED = 1000;

// Process memory answers instantly and covers bursts of retries; the workflow's static data keeps
// the memory across restarts where n8n saves it.
const memory = new Map<string, Map<string, number>>();

function prune(entries: Map<string, number>, now: number): void {
	for (const [key, seenAt] of entries) {
		if (now - seenAt > DAY_MS) entries.delete(key);
	}
	while (entries.size > MAX_REMEMBERED) {
		const oldest = entries.keys().next().value as string;
		entries.delete(oldest);
	}
}

/** Returns true when `key` was already seen for this trigger, and records it otherwise. */
export function seenBefore(scope: string, staticData: IDataObject, key: string, now = Date.now()): boolean {
	const entries = memory.get(scope) ?? new Map<string, number>();
	memory.set(scope, entries);
	const stored = (staticData.seenCallbacks as IDataObject | undefined) ?? {};
	for (const [storedKey, seenAt] of Object.entries(stored)) {
		if (!entries.has(storedKey) && typeof seenAt === 'number') entries.set(storedKey, seenAt);
	}
	prune(entries, now);
	if (entries.has(key)) return true;
	entries.set(key, now);
	staticData.seenCallbacks = Object.fromEntries(entries);
	return false;
}

export function forgetAllCallbacks(): void {
	memory.clear();
}
