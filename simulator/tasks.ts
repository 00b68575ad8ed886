/**
 * Generation/extend tasks and their state machine (docs/kie-api.md#record-fields, docs/kie-api.md#task-states):
 *   created → generating (successFlag 0) → success (1) | failed (2 or 3, with errorCode/errorMessage).
 * Completion is a timer (profile / renderMs); at completion the callback is sent (docs/kie-api.md#callbacks).
 */
import { SLOW_FACTOR, type Outcome } from './config';
import { sendGenerationCallback } from './callbacks';
import { fail, MSG, type ApiResult } from './envelope';
import { isSlowPrompt, isSuccessful, outcomeFromPrompt } from './outcomes';
import { hexId, intBetween } from './random';
import type { SimState } from './state';
import type { NewTask, Task, TaskApi } from './types';

const DAY_MS = 86_400_000;

/** Number of videos per task. kie returns one; index must be below this. */
export const RESULTS_PER_TASK = 1;

function pickRenderMs(state: SimState, prompt: string): number {
	const [min, max] = state.timings.renderMs;
	const base = state.config.renderMs ?? intBetween(state.rng.timing, min, max);
	return isSlowPrompt(prompt) ? base * SLOW_FACTOR : base;
}

/** The fallback model only exists for generation (docs/kie-api.md#fallback); an extend "fallback" is a plain success. */
function outcomeFor(kind: Task['kind'], outcome: Outcome): Outcome {
	return kind !== 'generate' && outcome === 'fallback' ? 'success' : outcome;
}

function pickOutcome(state: SimState, spec: NewTask): Outcome {
	if (spec.outcome) return spec.outcome;
	return outcomeFor(
		spec.kind,
		state.config.forceOutcome ?? outcomeFromPrompt(spec.prompt) ?? 'success',
	);
}

/**
 * Create and schedule a task. The caller has already charged `spec.price`; creation cannot fail
 * after that point, which is what keeps "rejected creates charge nothing" true.
 */
export function createTask(state: SimState, spec: NewTask): Task {
	const id = hexId();
	const task: Task = {
		id,
		kind: spec.kind,
		api: spec.api,
		jobs: spec.jobs ?? null,
		duration: spec.duration ?? null,
		parentId: spec.parentId,
		index: spec.index ?? 0,
		prompt: spec.prompt,
		model: spec.model,
		aspectRatio: spec.aspectRatio,
		resolution: spec.resolution,
		seed: spec.seeds ?? intBetween(state.rng.seeds, 10000, 99999),
		callBackUrl: spec.callBackUrl,
		echo: spec.echo,
		plannedOutcome: pickOutcome(state, spec),
		renderMs: spec.renderMs ?? pickRenderMs(state, spec.prompt),
		createdAt: Date.now(),
		completedAt: null,
		outcome: null,
		largeBytes: state.config.largeResultBytes,
		creditsCharged: spec.price,
		hd1080: new Map(),
		fourK: new Map(),
		cancelRender: () => undefined,
		onComplete: spec.onComplete ?? null,
	};
	state.tasks.set(id, task);
	if (spec.kind === 'generate' || spec.kind === 'extend') state.counters.tasksCreated++;
	task.cancelRender = state.scheduler.after(task.renderMs, () => completeTask(state, task));
	return task;
}

/** Finish a generating task (timer or control API). Returns false if it had already finished. */
export function completeTask(
	state: SimState,
	task: Task,
	outcome: Outcome = task.plannedOutcome,
): boolean {
	if (task.outcome !== null) return false;
	task.cancelRender();
	task.outcome = outcomeFor(task.kind, outcome);
	task.completedAt = Date.now();
	task.onComplete?.(task);
	sendGenerationCallback(state, task);
	return true;
}

export function isExpired(state: SimState, task: Task): boolean {
	return Date.now() - task.createdAt > state.config.retentionDays * DAY_MS;
}

/** How each API answers for a task it does not know (the Jobs API's text is observed live). */
const UNKNOWN_TASK: Record<TaskApi, string> = { veo: MSG.recordNull, jobs: MSG.jobsRecordNull };

/**
 * Find a task for a read-style endpoint: docs/kie-api.md#record-codes "record is null." for unknown ids and
 * "Temporarily supports records within 14 days." past retention. Each API's record endpoint knows
 * only the tasks it created; `any` (the Jobs API's extend and upgrade models) takes both.
 */
export function lookupTask(
	state: SimState,
	taskId: string,
	api: TaskApi | 'any' = 'veo',
): { task: Task } | { error: ApiResult } {
	const task = state.tasks.get(taskId);
	const known = task !== undefined && (api === 'any' || task.api === api);
	if (!known) return { error: fail(422, UNKNOWN_TASK[api === 'any' ? 'jobs' : api]) };
	if (isExpired(state, task)) return { error: fail(422, MSG.retention) };
	return { task };
}

/** Look up a finished, successful video task (1080p / 4K / extend precondition). */
export function lookupSuccessfulTask(
	state: SimState,
	taskId: string,
	api: TaskApi | 'any' = 'veo',
): { task: Task } | { error: ApiResult } {
	const found = lookupTask(state, taskId, api);
	if ('error' in found) return found;
	if (!isVideoTask(found.task)) return { error: fail(422, MSG.notAVideo) };
	if (!isSuccessful(found.task.outcome)) return { error: fail(422, MSG.notSuccess) };
	return found;
}

/** Generate and extend tasks make videos; upgrade tasks only point at their parent's files. */
export function isVideoTask(task: Task): boolean {
	return task.kind === 'generate' || task.kind === 'extend';
}

/** How many clips a video is made of: 1 for a generated video, plus 1 per extend in its lineage. */
export function chainLength(state: SimState, task: Task): number {
	let length = 1;
	let current: Task | undefined = task;
	while (current?.kind === 'extend' && current.parentId !== null) {
		length++;
		current = state.tasks.get(current.parentId);
	}
	return length;
}

/** The extension limit (config.maxExtensions): a 422 for a parent extended that often already. */
export function extensionRefusal(state: SimState, parent: Task): ApiResult | null {
	return chainLength(state, parent) - 1 >= state.config.maxExtensions
		? fail(422, MSG.tooManyExtensions)
		: null;
}

/** Control API: pretend the task was created `days` ago (for the retention rule). */
export function ageTask(task: Task, days: number): void {
	const shift = days * DAY_MS;
	task.createdAt -= shift;
	if (task.completedAt !== null) task.completedAt -= shift;
}
