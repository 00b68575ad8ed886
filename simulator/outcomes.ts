/**
 * How a task ends. Chosen at creation from `forceOutcome` or prompt markers, applied at completion
 * (or overridden by `POST /__sim/tasks/:id/complete`).
 */
import type { Outcome } from './config';
import { MSG } from './envelope';
import type { Resolution } from './pricing';

interface OutcomeInfo {
	/** §4.1: 0 generating · 1 success · 2 failed · 3 generation failed (created OK, upstream failed). */
	successFlag: 1 | 2 | 3;
	errorCode: number | null;
	errorMessage: string | null;
}

export const OUTCOME_INFO: Record<Outcome, OutcomeInfo> = {
	success: { successFlag: 1, errorCode: null, errorMessage: null },
	// §3.5 / §8.2: fallback success — delivered, fallbackFlag true, 1080p, not upgradable.
	fallback: { successFlag: 1, errorCode: null, errorMessage: null },
	// §4.2 / §8.2: content rejected before generation → "failed" (2) with code 400.
	'content-policy': { successFlag: 2, errorCode: 400, errorMessage: MSG.contentPolicy },
	// §3.4 / §8.2: rejected upstream without fallback → code 422 "rejected by Flow(...)".
	'flow-rejected': { successFlag: 2, errorCode: 422, errorMessage: MSG.flowRejected },
	// §4.1: 3 = created OK, generation failed; §8.2 501.
	fail: { successFlag: 3, errorCode: 501, errorMessage: MSG.generationFailed },
	// §8.2: 500 "Internal Error - Timeout".
	timeout: { successFlag: 3, errorCode: 500, errorMessage: MSG.timeout },
};

/** Prompt markers, checked in this order (the first one found wins). */
const MARKERS: ReadonlyArray<[string, Outcome]> = [
	['[content-policy]', 'content-policy'],
	['[flow-rejected]', 'flow-rejected'],
	['[fail]', 'fail'],
	['[timeout]', 'timeout'],
	['[fallback]', 'fallback'],
];

export function outcomeFromPrompt(prompt: string): Outcome | null {
	const p = prompt.toLowerCase();
	for (const [marker, outcome] of MARKERS) if (p.includes(marker)) return outcome;
	return null;
}

/** `[slow]`: render takes SLOW_FACTOR × longer. */
export function isSlowPrompt(prompt: string): boolean {
	return prompt.toLowerCase().includes('[slow]');
}

export function isSuccessful(outcome: Outcome | null): boolean {
	return outcome === 'success' || outcome === 'fallback';
}

/** Output resolution: fallback videos are 1080p (§3.5 CONFLICT: record-info page says 720p). */
export function resultResolution(task: { outcome: Outcome | null; resolution: Resolution }): Resolution {
	return task.outcome === 'fallback' ? '1080p' : task.resolution;
}
