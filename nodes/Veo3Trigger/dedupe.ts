import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/** kie may deliver the same callback more than once (docs/kie-api.md#callback-delivery); remember what already ran. */
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * The store lives in the workflow's static data, saved with the workflow after every callback, so
 * it is bounded in bytes: keys are fixed-size digests (whatever a caller puts in a task id) and the
 * oldest entries go once the saved form would pass this size.
 */
export const MAX_STORE_BYTES = 32 * 1024;
const DIGEST_LENGTH = 22;
const DIGEST_PATTERN = /^[A-Za-z0-9_-]{22}$/;

// Process memory answers instantly and covers bursts of retries; the workflow's static data keeps
// the memory across restarts where n8n saves it.
const memory = new Map<string, Map<string, number>>();

/** The stored form of a key: a digest of fixed length, so no caller decides the store's size. */
export function storedKey(key: string): string {
	return createHash('sha256').update(key).digest('base64url').slice(0, DIGEST_LENGTH);
}

function storeBytes(entries: Map<string, number>): number {
	// [["digest",1234567890123],...]: brackets, quotes and commas around a millisecond time.
	return 2 + entries.size * (DIGEST_LENGTH + 19);
}

function prune(entries: Map<string, number>, now: number): void {
	for (const [key, seenAt] of entries) {
		if (now - seenAt > DAY_MS) entries.delete(key);
	}
	while (entries.size > 0 && storeBytes(entries) > MAX_STORE_BYTES) {
		entries.delete(entries.keys().next().value as string);
	}
}

/** Saved pairs [digest, time]; older versions saved an object of raw key → time. */
function savedPairs(stored: unknown): Array<[string, unknown]> {
	if (Array.isArray(stored))
		return stored.filter(
			(p): p is [string, unknown] => Array.isArray(p) && typeof p[0] === 'string',
		);
	if (stored && typeof stored === 'object') return Object.entries(stored);
	return [];
}

function load(scope: string, staticData: IDataObject, now: number): Map<string, number> {
	const entries = memory.get(scope) ?? new Map<string, number>();
	memory.set(scope, entries);
	for (const [key, seenAt] of savedPairs(staticData.seenCallbacks)) {
		const digest = DIGEST_PATTERN.test(key) ? key : storedKey(key);
		if (!entries.has(digest) && typeof seenAt === 'number') entries.set(digest, seenAt);
	}
	prune(entries, now);
	return entries;
}

/** Whether `key` was already recorded for this trigger (records nothing). */
export function alreadySeen(scope: string, staticData: IDataObject, key: string): boolean {
	return load(scope, staticData, Date.now()).has(storedKey(key));
}

/** Returns true when `key` was already seen for this trigger, and records it otherwise. */
export function seenBefore(scope: string, staticData: IDataObject, key: string): boolean {
	const now = Date.now();
	const entries = load(scope, staticData, now);
	const digest = storedKey(key);
	if (entries.has(digest)) return true;
	entries.set(digest, now);
	prune(entries, now);
	staticData.seenCallbacks = [...entries] as unknown as IDataObject[];
	return false;
}

export function forgetAllCallbacks(): void {
	memory.clear();
}
