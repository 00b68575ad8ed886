import type { IDataObject } from 'n8n-workflow';

/** The kie.ai response envelope: every JSON answer, errors included, has this shape (docs/kie-api.md#conventions). */
export interface KieEnvelope<T = unknown> {
	code: number;
	msg: string;
	data: T;
}

export type TaskStatus = 'generating' | 'success' | 'failed';

/**
 * One shape for a task's state, whether it came from record-info, a generation callback or a 4K
 * callback. Every output of the node and of the trigger uses it, so downstream nodes never have to
 * know which of kie's documented variants arrived.
 */
export interface VideoResult extends IDataObject {
	taskId: string;
	status: TaskStatus;
	videoUrls: string[];
	originUrls: string[];
	fullVideoUrls: string[];
	imageUrls: string[];
	resolution: string | null;
	fallback: boolean;
	errorCode: number | null;
	errorMessage: string | null;
	createdAt: string | null;
	completedAt: string | null;
	/** Credits kie reports for the task; only the Jobs API's record gives them. */
	creditsConsumed?: number | null;
	/** A 4K render's own task id, when kie answers the 4K request with one (record-info reads it). */
	fourKTaskId?: string;
}

export interface ApiConfig {
	baseUrl: string;
	uploadBaseUrl: string;
	/**
	 * "Bearer <key>", set only where the caller already holds the decrypted credential (a callback
	 * webhook). Not enumerable, so it never reaches JSON, logs or output.
	 */
	readonly authorization?: string;
}

/**
 * Whether a request may be sent again after a failure: 'safe' (reads, uploads, 4K state checks)
 * always may; 'paid' (a create that costs credits) never when kie may already have created it.
 */
export type ResendPolicy = 'safe' | 'paid';

export interface RetryPolicy {
	/** How many times a safe request may be resent after the first attempt. */
	maxRetries: number;
	/** First back-off delay; doubles each attempt, with jitter. */
	baseDelayMs: number;
	maxDelayMs: number;
	/** Per-request timeout; shorter where a caller (kie's 15 s callback) is waiting. Default 60 s. */
	requestTimeoutMs?: number;
	/** Epoch ms after which no resend starts and no request runs on (Max Wait Time is a hard bound). */
	deadline?: number;
}

export interface RateLimit {
	maxCreates: number;
	windowMs: number;
}

/**
 * How a task's state is read back: record-info for generate/extend, a repeat POST for 4K
 * (docs/kie-api.md#get-4k), the Jobs API's recordInfo for every task created through the Jobs API.
 */
export type StateReadBack = 'recordInfo' | 'repeatFourKRequest' | 'jobsRecord';

/** What a status read needs to know of the task it reads. */
export interface TaskRead {
	readBack: StateReadBack;
	/** The create body: the 4K state is read by sending it again. */
	body: IDataObject;
	settings: { retry: RetryPolicy; rateLimit: RateLimit };
	/** Keep kie's answer under `raw`. */
	includeRaw: boolean;
}
