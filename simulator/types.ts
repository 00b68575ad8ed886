/**
 * The simulator's shared data types: a task and its upgrade jobs. They live apart from the code
 * that creates, stores and reports tasks, so those modules depend on this one and never on each
 * other (no import cycles).
 */
import type { Outcome } from './config';
import type { Resolution } from './pricing';
import type { AspectRatio } from './validation';

/** One 1080p upgrade (docs/kie-api.md#get-1080p): processing for a while, then a single URL. */
export interface Hd1080Job {
	startedAt: number;
	calls: number;
	readyMs: number;
}

/** One 4K upgrade (docs/kie-api.md#get-4k): async, callback on completion. */
export interface FourKJob {
	startedAt: number;
	/** Render time picked at start (profile or fourKMs). */
	readyMs: number;
	done: boolean;
	failed: boolean;
	callBackUrl: string | null;
	/** The 4K render's own task id (config fourKTaskId 'new'), or null when it goes by its source's. */
	id: string | null;
	/** Cancels the completion timer (control API "complete now"). */
	cancel: () => void;
}

export interface Task {
	id: string;
	/**
	 * generate / extend make a video; hd1080 / fourK are upgrades of a finished video that the Jobs
	 * API runs as tasks of their own (the dedicated endpoints keep them inside the parent's jobs).
	 */
	kind: 'generate' | 'extend' | 'hd1080' | 'fourK';
	/** Which API created the task. Each API's record endpoint knows only its own tasks. */
	api: TaskApi;
	/** Jobs API only: the catalog model, the request as sent (echoed as `param`) and the record id. */
	jobs: JobsInfo | null;
	/** Clip length in seconds, when the request chose one (Jobs API `duration`). */
	duration: number | null;
	/** For extend and upgrade tasks: the task they continue or upgrade. */
	parentId: string | null;
	/** Upgrade tasks: which video of the parent. */
	index: number;
	prompt: string;
	/** Generate: veo3|veo3_fast|veo3_lite; extend: fast|quality|lite. */
	model: string;
	aspectRatio: AspectRatio;
	resolution: Resolution;
	seed: number;
	callBackUrl: string | null;
	/** Submitted parameters as echoed in paramJson / promptJson (docs/kie-api.md#record-fields, docs/kie-api.md#callback-body). */
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
	/** Runs once when the task finishes (upgrade tasks mark their parent's job ready). */
	onComplete: ((task: Task) => void) | null;
}

export type TaskApi = 'veo' | 'jobs';

export interface JobsInfo {
	model: string;
	param: Record<string, unknown>;
	recordId: string;
}

export interface NewTask {
	kind: Task['kind'];
	api: TaskApi;
	jobs?: JobsInfo;
	duration?: number | null;
	parentId: string | null;
	index?: number;
	/** Upgrade tasks: their render time and outcome are fixed by the caller. */
	renderMs?: number;
	outcome?: Outcome;
	onComplete?: (task: Task) => void;
	prompt: string;
	model: string;
	aspectRatio: AspectRatio;
	resolution: Resolution;
	seeds: number | null;
	callBackUrl: string | null;
	echo: Record<string, unknown>;
	price: number;
}

/** A callback body ready to send. */
export interface CallbackPayload {
	body: Record<string, unknown>;
	/** The id that is signed (docs/kie-api.md#callback-signature) — the same value the body carries. */
	taskId: string;
	/** Envelope code, for the callback log. */
	code: number;
}
