/**
 * Resolution upgrades of a finished task: GET 1080p (docs/kie-api.md#get-1080p) and POST 4K (docs/kie-api.md#get-4k).
 */
import { fourKUrls } from './results';
import { sendFourKCallback } from './callbacks';
import { fail, MSG, ok, type ApiResult } from './envelope';
import { PRICE_1080P, PRICE_4K } from './pricing';
import { hexId, intBetween } from './random';
import type { SimState } from './state';
import { lookupSuccessfulTask, RESULTS_PER_TASK } from './tasks';
import type { FourKJob, Hd1080Job, Task } from './types';
import { taskFileUrl } from './urls';
import type { FourKParams } from './validation';

function pickMs(state: SimState, override: number | null, range: [number, number]): number {
	return override ?? intBetween(state.rng.timing, range[0], range[1]);
}

function checkIndex(index: number): ApiResult | null {
	if (index < RESULTS_PER_TASK) return null;
	return fail(
		422,
		`index must be between 0 and ${RESULTS_PER_TASK - 1} (this task has ${RESULTS_PER_TASK} video)`,
	);
}

/** Why a finished video cannot get this upgrade, or null: fallback videos have none, and the index must exist. */
export function upgradeRefusal(
	task: Task,
	index: number,
	upgrade: '1080p' | '4k',
): ApiResult | null {
	if (task.outcome === 'fallback')
		return fail(422, upgrade === '1080p' ? MSG.hd1080Fallback : MSG.fourKFallback);
	return checkIndex(index);
}

/** The 1080p job of one video: started (and charged 5 credits) by the first request, then reused. */
export function hd1080Job(
	state: SimState,
	task: Task,
	index: number,
): { job: Hd1080Job; charged: number } | { error: ApiResult } {
	const existing = task.hd1080.get(index);
	if (existing) return { job: existing, charged: 0 };
	if (!state.charge(PRICE_1080P)) return { error: fail(402, MSG.insufficientCredits) };
	const job = {
		startedAt: Date.now(),
		calls: 0,
		readyMs: pickMs(state, state.config.hd1080Ms, state.timings.hd1080Ms),
	};
	task.hd1080.set(index, job);
	state.counters.hd1080Jobs++;
	return { job, charged: PRICE_1080P };
}

/** Make a 1080p job ready now (control API, or the Jobs API's upgrade task finishing). */
export function markHd1080Ready(state: SimState, job: Hd1080Job): boolean {
	if (hd1080Ready(state, job)) return false;
	job.readyMs = 0;
	// Calls mode counts answers, so mark enough calls as made.
	job.calls = Math.max(job.calls, (state.config.hd1080Calls ?? 0) + 1);
	return true;
}

/** Ready after `hd1080Calls` "processing" answers if set, else `readyMs` after the first request. */
export function hd1080Ready(state: SimState, job: Hd1080Job): boolean {
	const calls = state.config.hd1080Calls;
	return calls !== null ? job.calls > calls : Date.now() - job.startedAt >= job.readyMs;
}

/**
 * docs/kie-api.md#get-1080p: only for successful, non-fallback tasks. The first request starts the job and charges 5
 * credits once; until ready it answers code 400 "1080P is processing…" (docs/kie-api.md#get-1080p, where the kie.ai pages disagree: 400 chosen,
 * as the docs text gives), then `{resultUrl}` — a single string.
 */
export function get1080p(state: SimState, taskId: string, index: number): ApiResult {
	const found = lookupSuccessfulTask(state, taskId);
	if ('error' in found) return found.error;
	const { task } = found;
	const refused = upgradeRefusal(task, index, '1080p');
	if (refused) return refused;
	const started = hd1080Job(state, task, index);
	if ('error' in started) return started.error;
	const { job } = started;
	job.calls++;
	if (!hd1080Ready(state, job)) return fail(400, MSG.hd1080Processing);
	return ok({ resultUrl: taskFileUrl(state.publicUrl, task.id, index, '1080p') });
}

/**
 * docs/kie-api.md#get-4k: first POST → 200 with null URLs and a 120-credit charge; repeats → 422 "processing" or 422
 * "generated successfully" with URL arrays. `data.taskId` echoes the ORIGINAL task id, as the docs'
 * example does (docs/kie-api.md#get-4k, which the kie.ai docs leave open), or with config
 * fourKTaskId 'new' the 4K render's own id, which record-info then answers for.
 */
export function request4k(state: SimState, params: FourKParams): ApiResult {
	const found = lookupSuccessfulTask(state, params.taskId);
	if ('error' in found) return found.error;
	const { task } = found;
	const refused = upgradeRefusal(task, params.index, '4k');
	if (refused) return refused;
	const data = (urls: { resultUrls: string[]; imageUrls: string[] } | null) => ({
		taskId: task.fourK.get(params.index)?.id ?? task.id,
		resultUrls: urls?.resultUrls ?? null,
		imageUrls: urls?.imageUrls ?? null,
	});
	const job = task.fourK.get(params.index);
	if (!job) {
		if (!state.charge(PRICE_4K)) return fail(402, MSG.insufficientCredits);
		startFourK(state, task, params, state.config.fourKTaskId === 'new' ? hexId() : null);
		return ok(data(null));
	}
	if (!job.done) return fail(422, MSG.fourKProcessing, data(null));
	if (job.failed) return fail(422, MSG.fourKUnavailable, data(null));
	return fail(422, MSG.fourKDone, data(fourKUrls(state.publicUrl, task, params.index)));
}

/** Start a 4K job (already charged by the caller); it finishes on its own timer. */
export function startFourK(
	state: SimState,
	task: Task,
	params: FourKParams,
	id: string | null = null,
): FourKJob {
	const job: FourKJob = {
		id,
		startedAt: Date.now(),
		readyMs: pickMs(state, state.config.fourKMs, state.timings.fourKMs),
		done: false,
		failed: false,
		callBackUrl: params.callBackUrl,
		cancel: () => undefined,
	};
	task.fourK.set(params.index, job);
	state.counters.fourKJobs++;
	job.cancel = state.scheduler.after(job.readyMs, () =>
		finishFourK(state, task, params.index, job),
	);
	return job;
}

/** Complete a 4K job (timer or control API) and send its callback (docs/kie-api.md#callback-4k). */
export function finishFourK(state: SimState, task: Task, index: number, job: FourKJob): boolean {
	if (job.done) return false;
	job.cancel();
	job.done = true;
	job.failed = state.config.fourKOutcome === 'fail';
	sendFourKCallback(state, task, index, job);
	return true;
}

/** Control API: make every pending 1080p/4K job of a task ready now. Returns how many changed. */
export function finishUpgrades(state: SimState, task: Task): number {
	let n = 0;
	for (const job of task.hd1080.values()) if (markHd1080Ready(state, job)) n++;
	for (const [index, job] of task.fourK) if (finishFourK(state, task, index, job)) n++;
	return n;
}

/** The 4K render that has `id` as its own task id (config fourKTaskId 'new'), if any. */
export function findFourKById(
	state: SimState,
	id: string,
): { task: Task; index: number; job: FourKJob } | undefined {
	for (const task of state.tasks.values()) {
		for (const [index, job] of task.fourK) if (job.id === id) return { task, index, job };
	}
	return undefined;
}
