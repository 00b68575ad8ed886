/**
 * Seedable randomness. Every random *decision* (render time, default seed, fault) draws from a
 * named stream derived from a seed, so the same seed replays the same run — and one stream's draws
 * (say, an extra callback) never shift another's (say, which request gets a 500).
 * Identifiers are the exception: they come from crypto so they never repeat across resets or
 * restarts (a receiver that de-duplicates by task id must not see an old id again).
 */
import { randomBytes } from 'node:crypto';

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for test decisions. Returns floats in [0, 1). */
function mulberry32(seed: number): Rng {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** FNV-1a, to turn a stream name into a seed offset. */
function hashName(name: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < name.length; i++) {
		h ^= name.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

export function namedRng(seed: number, name: string): Rng {
	return mulberry32((seed ^ hashName(name)) >>> 0);
}

/** true with probability `rate` (rate ≤ 0 never draws, so a disabled fault does not consume the stream). */
export function chance(rng: Rng, rate: number): boolean {
	if (rate <= 0) return false;
	if (rate >= 1) return true;
	return rng() < rate;
}

/** Integer in [min, max]. */
export function intBetween(rng: Rng, min: number, max: number): number {
	return min + Math.floor(rng() * (max - min + 1));
}

/** Unique lowercase hex; 32 chars is the shape of real kie task ids (docs/kie-api.md#conventions). */
export function hexId(length = 32): string {
	return randomBytes(Math.ceil(length / 2))
		.toString('hex')
		.slice(0, length);
}
