/**
 * How a task ends. Chosen at creation from `forceOutcome` or prompt markers, applied at completion
 * (or overridden by `POST /__sim/tasks/:id/complete`).
 */
import type { Outcome } from './config';
import { MSG } from './envelope';
import type { Resolution } from './pricing';

interface OutcomeInfo {
	/** docs/kie-api.md#record-fields: 0 generating · 1 success · 2 failed · 3 generation failed (created OK, upstream failed). */
	successFlag: 1 | 2 | 3;
	errorCode: number | null;
	errorMessage: string | null;
}

export const OUTCOME_INFO: Record<Outcome, OutcomeInfo> = {
	success: { successFlag: 1, errorCode: null, errorMessage: null },
	// docs/kie-api.md#fallback, docs/kie-api.md#callback-body: fallback success — delivered, fallbackFlag true, 1080p, not upgradable.
	fallback: { successFlag: 1, errorCode: null, errorMessage: null },
	// docs/kie-api.md#record-codes, docs/kie-api.md#callback-body: content rejected before generation → "failed" (2) with code 400.
	'content-policy': { successFlag: 2, errorCode: 400, errorMessage: MSG.contentPolicy },
	// docs/kie-api.md#generate-response, docs/kie-api.md#callback-body: rejected upstream without fallback → code 422 "rejected by Flow(...)".
	'flow-rejected': { successFlag: 2, errorCode: 422, errorMessage: MSG.flowRejected },
	// docs/kie-api.md#record-fields: 3 = created OK, generation failed; 501 (docs/kie-api.md#callback-body).
	fail: { successFlag: 3, errorCode: 501, errorMessage: MSG.generationFailed },
	// docs/kie-api.md#callback-body: 500 "Internal Error - Timeout".
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

/** Output resolution: fallback videos are 1080p (docs/kie-api.md#fallback, where the kie.ai pages disagree: record-info page says 720p). */
export function resultResolution(task: {
	outcome: Outcome | null;
	resolution: Resolution;
}): Resolution {
	return task.outcome === 'fallback' ? '1080p' : task.resolution;
}
