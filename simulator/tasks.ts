/**
 * Generation/extend tasks and their state machine (§4.1, §13):
 *   created → generating (successFlag 0) → success (1) | failed (2 or 3, with errorCode/errorMessage).
 * Completion is a timer (profile / renderMs); at completion the callback is sent (§8).
 */
import { SLOW_FACTOR, type Outcome } from './config';
import { sendGenerationCallback } from './callbacks';
import { fail, MSG, type ApiResult } from './envelope';
import { isSlowPrompt, isSuccessful, outcomeFromPrompt } from './outcomes';
import type { Resolution } from './pricing';
import { hexId, intBetween } from './random';
import type { SimState } from './state';
import type { AspectRatio } from './validation';

const DAY_MS = 86_400_000;

/** One 1080p upgrade (§5): processing for a while, then a single URL. */
export interface Hd1080Job {
	startedAt: number;
	calls: number;
	readyMs: number;
}

/** One 4K upgrade (§6): async, callback on completion. */
export interface FourKJob {
	startedAt: number;
	/** Render time picked at start (profile or fourKMs). */
	readyMs: number;
	done: boolean;
	failed: boolean;
	callBackUrl: string | null;
	/** Cancels the completion timer (control API "complete now"). */
	cancel: () => void;
}

export interface Task {
	id: string;
	kind: 'generate' | 'extend';
	/** For extend tasks: the task that was extended. */
	parentId: string | null;
	prompt: string;
	/** Generate: veo3|veo3_fast|veo3_lite; extend: fast|quality|lite. */
	model: string;
	aspectRatio: AspectRatio;
	resolution: Resolution;
	seed: number;
	callBackUrl: string | null;
	/** Submitted parameters as echoed in paramJson / promptJson (§4.1, §8.2). */
	echo: Record<string, unknown>;
	plannedOutcome: Outcome;
	renderMs: number;
	createdAt: number;
	completedAt: number | null;
	/** null while generating. */
	outcome: Outcome | null;
	/** Result files are generated streams of this size (config largeResultBytes at creation). */
	largeBytes: number | null;
	creditsCharged: number;
	hd1080: Map<number, Hd1080Job>;
	fourK: Map<number, FourKJob>;
	cancelRender: () => void;
}

export interface NewTask {
	kind: Task['kind'];
	parentId: string | null;
	prompt: string;
	model: string;
	aspectRatio: AspectRatio;
	resolution: Resolution;
	seeds: number | null;
	callBackUrl: string | null;
	echo: Record<string, unknown>;
	price: number;
}

/** Number of videos per task. kie returns one; index must be below this. */
export const RESULTS_PER_TASK = 1;

function pickRenderMs(state: SimState, prompt: string): number {
	const [min, max] = state.timings.renderMs;
	const base = state.config.renderMs ?? intBetween(state.rng.timing, min, max);
	return isSlowPrompt(prompt) ? base * SLOW_FACTOR : base;
}

/** The fallback model only exists for generation (§3.5); an extend "fallback" is a plain success. */
function outcomeFor(kind: Task['kind'], outcome: Outcome): Outcome {
	return kind === 'extend' && outcome === 'fallback' ? 'success' : outcome;
}

function pickOutcome(state: SimState, spec: NewTask): Outcome {
	return outcomeFor(spec.kind, state.config.forceOutcome ?? outcomeFromPrompt(spec.prompt) ?? 'success');
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
		parentId: spec.parentId,
		prompt: spec.prompt,
		model: spec.model,
		aspectRatio: spec.aspectRatio,
		resolution: spec.resolution,
		seed: spec.seeds ?? intBetween(state.rng.seeds, 10000, 99999),
		callBackUrl: spec.callBackUrl,
		echo: spec.echo,
		plannedOutcome: pickOutcome(state, spec),
		renderMs: pickRenderMs(state, spec.prompt),
		createdAt: Date.now(),
		completedAt: null,
		outcome: null,
		largeBytes: state.config.largeResultBytes,
		creditsCharged: spec.price,
		hd1080: new Map(),
		fourK: new Map(),
		cancelRender: () => undefined,
	};
	state.tasks.set(id, task);
	state.counters.tasksCreated++;
	task.cancelRender = state.scheduler.after(task.renderMs, () => completeTask(state, task));
	return task;
}

/** Finish a generating task (timer or control API). Returns false if it had already finished. */
export function completeTask(state: SimState, task: Task, outcome: Outcome = task.plannedOutcome): boolean {
	if (task.outcome !== null) return false;
	task.cancelRender();
	task.outcome = outcomeFor(task.kind, outcome);
	task.completedAt = Date.now();
	sendGenerationCallback(state, task);
	return true;
}

export function isExpired(state: SimState, task: Task): boolean {
	return Date.now() - task.createdAt > state.config.retentionDays * DAY_MS;
}

/**
 * Find a task for a read-style endpoint: §4.2 "record is null." for unknown ids and
 * "Temporarily supports records within 14 days." past retention.
 */
export function lookupTask(state: SimState, taskId: string): { task: Task } | { error: ApiResult } {
	const task = state.tasks.get(taskId);
	if (!task) return { error: fail(422, MSG.recordNull) };
	if (isExpired(state, task)) return { error: fail(422, MSG.retention) };
	return { task };
}

/** Look up a finished, successful task (1080p / 4K / extend precondition). */
export function lookupSuccessfulTask(state: SimState, taskId: string): { task: Task } | { error: ApiResult } {
	const found = lookupTask(state, taskId);
	if ('error' in found) return found;
	if (!isSuccessful(found.task.outcome)) return { error: fail(422, MSG.notSuccess) };
	return found;
}

/** Control API: pretend the task was created `days` ago (for the retention rule). */
export function ageTask(task: Task, days: number): void {
	const shift = days * DAY_MS;
	task.createdAt -= shift;
	if (task.completedAt !== null) task.completedAt -= shift;
}
