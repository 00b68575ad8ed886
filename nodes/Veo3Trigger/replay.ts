import type { IDataObject } from 'n8n-workflow';

import { storedKey } from './dedupe';

/**
 * Signed deliveries already answered: an exact repeat of an accepted (task id, timestamp,
 * signature) is a replay (kie retries with a new signed time) and starts nothing, whatever "Ignore
 * Duplicate Deliveries" says. Unlike the duplicate store this one never drops an entry that could
 * still be replayed: an entry lives until its timestamp leaves the signature tolerance (after that
 * the signature check refuses the pair anyway), and when the memory is full of such entries a new
 * delivery is refused with 503 (kie retries it later) rather than reopening a replay window.
 *
 * Bounds: at most MAX_REPLAY_ENTRIES per trigger in process memory (fixed-size digests and a
 * time, about 100 bytes each in V8: 2 MB at most), each kept for at most the tolerance (one day at
 * most); the newest that fit in MAX_SAVED_REPLAY_BYTES also go to the workflow's static data, which
 * another webhook process, or this one after a restart, reads.
 */
export const MAX_REPLAY_ENTRIES = 20_000;
export const MAX_SAVED_REPLAY_BYTES = 16 * 1024;
const REPLAY_FIELD = 'acceptedDeliveries';
const DIGEST_LENGTH = 22;
const DIGEST_PATTERN = /^[A-Za-z0-9_-]{22}$/;

interface ReplayMemory {
	/** digest → epoch ms after which the signature is stale. */
	accepted: Map<string, number>;
	/** Being handled now: a copy arriving meanwhile is the same delivery, answered as a duplicate. */
	pending: Set<string>;
	/** The newest accepted pairs, oldest first: what the static data keeps. */
	recent: Array<[string, number]>;
}

const memories = new Map<string, ReplayMemory>();

// [["digest",1234567890123],...]: brackets, quotes and commas around a millisecond time.
const SAVED_ENTRIES = Math.floor((MAX_SAVED_REPLAY_BYTES - 2) / (DIGEST_LENGTH + 19));

export type DeliveryClaim =
	| { state: 'new'; accept: () => void; release: () => void }
	| { state: 'duplicate' | 'full' };

function memoryOf(scope: string): ReplayMemory {
	let memory = memories.get(scope);
	if (!memory) {
		memory = { accepted: new Map(), pending: new Set(), recent: [] };
		memories.set(scope, memory);
	}
	return memory;
}

/** Takes in what another process (or this one before a restart) saved: a few hundred pairs. */
function load(memory: ReplayMemory, staticData: IDataObject, now: number): void {
	const saved = staticData[REPLAY_FIELD];
	if (!Array.isArray(saved)) return;
	for (const pair of saved as unknown[]) {
		if (!Array.isArray(pair)) continue;
		const [digest, expiresAt] = pair as unknown[];
		if (typeof digest !== 'string' || !DIGEST_PATTERN.test(digest)) continue;
		if (typeof expiresAt !== 'number' || expiresAt < now || memory.accepted.has(digest)) continue;
		memory.accepted.set(digest, expiresAt);
		memory.recent.push([digest, expiresAt]);
	}
	if (memory.recent.length > SAVED_ENTRIES)
		memory.recent.splice(0, memory.recent.length - SAVED_ENTRIES);
}

/** Drops pairs whose signature is stale; only needed when the memory is full. */
function prune(memory: ReplayMemory, now: number): void {
	for (const [digest, expiresAt] of memory.accepted)
		if (expiresAt < now) memory.accepted.delete(digest);
}

function save(memory: ReplayMemory, staticData: IDataObject, now: number): void {
	staticData[REPLAY_FIELD] = memory.recent.filter(
		([, expiresAt]) => expiresAt >= now,
	) as unknown as IDataObject[];
}

/**
 * Claims a signed delivery before anything is read at kie. 'new' hands back accept (the delivery
 * was answered 200: its exact repeats are replays from now on) and release (it was refused with an
 * error: kie's retry of it may come again).
 */
export function claimDelivery(
	scope: string,
	staticData: IDataObject,
	delivery: { taskId: string; timestamp: string; signature: string; expiresAtMs: number },
	now: number = Date.now(),
): DeliveryClaim {
	const memory = memoryOf(scope);
	load(memory, staticData, now);
	const digest = storedKey(`${delivery.taskId}|${delivery.timestamp}|${delivery.signature}`);
	const expiresAt = memory.accepted.get(digest);
	// A copy of a delivery still being handled is covered by it: if that one fails, kie retries it.
	if ((expiresAt !== undefined && expiresAt >= now) || memory.pending.has(digest))
		return { state: 'duplicate' };
	if (memory.accepted.size + memory.pending.size >= MAX_REPLAY_ENTRIES) prune(memory, now);
	if (memory.accepted.size + memory.pending.size >= MAX_REPLAY_ENTRIES) return { state: 'full' };
	memory.pending.add(digest);
	let settled = false;
	return {
		state: 'new',
		accept: () => {
			if (settled) return;
			settled = true;
			memory.pending.delete(digest);
			memory.accepted.set(digest, delivery.expiresAtMs);
			memory.recent.push([digest, delivery.expiresAtMs]);
			if (memory.recent.length > SAVED_ENTRIES) memory.recent.shift();
			save(memory, staticData, now);
		},
		release: () => {
			if (settled) return;
			settled = true;
			memory.pending.delete(digest);
		},
	};
}

/** Test helper: forget every trigger's accepted deliveries in this process. */
export function forgetAcceptedDeliveries(): void {
	memories.clear();
}
