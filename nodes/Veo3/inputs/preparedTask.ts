import type { IDataObject } from 'n8n-workflow';

import type { StateReadBack, VideoResult } from '../../kie/base/interfaces';
import type { JobsForm } from '../../kie/records/jobsFallback';
import type { TaskSettings } from './settings';

/** Which earlier task a create may reuse: the same item's (regular runs) or any same request (tools). */
export type LedgerMatch = 'sameItem' | 'sameRequest';

/** A create request that passed validation, with everything needed to wait for it and report it. */
export interface PreparedTask {
	itemIndex: number;
	endpoint: string;
	body: IDataObject;
	readBack: StateReadBack;
	settings: TaskSettings;
	/** Input values repeated in the output, so a result can be matched to its row or prompt. */
	echo: IDataObject;
	/** Binary field to download the finished video into (poll mode), if any. */
	downloadTo?: string;
	/** Extend results: the stitched full video is the one users want. */
	preferFullVideo?: boolean;
	includeRaw: boolean;
	jobsForm?: JobsForm;
	/** Why this request has no Jobs form; said if the dedicated endpoint is gone. */
	noJobsForm?: string;
	/** Credits this request is expected to cost (price table). */
	estimatedCredits: number;
	/**
	 * When this entry stands for several paid creates (the scenes of one video), each one's price,
	 * in order: the spending guard judges them all before the first is sent.
	 */
	requestPrices?: number[];
	/** Set when an earlier task is reused instead of creating one ("Deduplicate By"). */
	existing?: { taskId: string; finished?: VideoResult };
	/** Told the new task's ID as soon as kie has accepted the create. */
	onCreated?: (taskId: string) => void;
	/** What identifies the request when `body` holds values that change per run (uploaded image URLs). */
	identity?: IDataObject;
	/** Which earlier task of this execution a create may reuse (default: the same item's). */
	reuse?: LedgerMatch;
}

export interface SubmittedTask {
	task: PreparedTask;
	taskId: string;
	/** The task was created by an earlier run of this node in this execution (nothing was sent). */
	reused?: boolean;
	/** 4K may already be done when requested again (kie answers 422 "generated successfully"). */
	finished?: VideoResult;
	/** Get 4K: the render's own task id, when kie answered with one. */
	fourKTaskId?: string;
}

export type WaitMode = 'none' | 'poll' | 'callback';
