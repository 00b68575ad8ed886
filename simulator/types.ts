/**
 * The simulator's shared data types: a task and its upgrade jobs. They live apart from the code
 * that creates, stores and reports tasks, so those modules depend on this one and never on each
 * other (no import cycles).
 */
import type { Outcome } from './config';
import type { Resolution } from './pricing';
import type { AspectRatio } from './validation';

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

