import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { ENDPOINTS, kieRequest, type ApiContext } from '../../kie/transport';
import { DownloadError, downloadVideo } from '../inputs/binary';
import { mapSettled, Semaphore } from '../../kie/base/concurrency';
import { KieApiError } from '../../kie/errors/errors';
import { sendWithJobsFallback, type JobsForm } from '../../kie/records/jobsFallback';
import { requestFourK } from '../../kie/records/fourKRequest';
import type { ApiConfig, VideoResult } from '../../kie/base/interfaces';
import { createOnce, type LedgerMatch } from '../money/ledger';
import { normalizeJobsRecord, normalizeRecord } from '../../kie/records/normalize';
import { settle } from '../../kie/base/settle';
import type { TaskSettings } from '../inputs/settings';
import { waitUntilFinal } from './waiting';

/**
 * How a task's state is read back: record-info for generate/extend, a repeat POST for 4K
 * (docs/kie-api.md#get-4k), the Jobs API's recordInfo for every task created through the Jobs API.
 */
export type StateReadBack = 'recordInfo' | 'repeatFourKRequest' | 'jobsRecord';

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
}

export type WaitMode = 'none' | 'poll' | 'callback';

/** Sends the paid create, moving to the Jobs API when the dedicated API cannot take it. */
async function submitTask(
	ctx: ApiContext,
	config: ApiConfig,
	task: PreparedTask,
	signal: AbortSignal | undefined,
	callBackUrl?: string,
): Promise<SubmittedTask> {
	if (task.existing)
		return { task, taskId: task.existing.taskId, finished: task.existing.finished };
	return await sendWithJobsFallback(
		task,
		async (sent) => await sendCreate(ctx, config, sent, signal, callBackUrl),
	);
}

/** One paid create. Never retried when kie might have created the task (see transport). */
async function sendCreate(
	ctx: ApiContext,
	config: ApiConfig,
	task: PreparedTask,
	signal: AbortSignal | undefined,
	callBackUrl?: string,
): Promise<SubmittedTask> {
	const body = callBackUrl ? { ...task.body, callBackUrl } : task.body;
	if (task.readBack === 'repeatFourKRequest') {
		const state = await requestFourK(ctx, config, task, body, signal, 'paid');
		task.onCreated?.(state.taskId);
		return { task, taskId: state.taskId, finished: state.status === 'success' ? state : undefined };
	}
	const data = await kieRequest<{ taskId?: string }>(ctx, config, {
		method: 'POST',
		endpoint: task.endpoint,
		body,
		resend: 'paid',
		retry: task.settings.retry,
		rateLimit: task.settings.rateLimit,
		signal,
	});
	// Accepted (code 200) but no task ID: kie may well have created, and charged, the task.
	if (!data?.taskId)
		throw new KieApiError(
			200,
			'kie.ai accepted the request but returned no taskId',
			200,
			task.endpoint,
			undefined,
			true,
		);
	task.onCreated?.(String(data.taskId));
	return { task, taskId: String(data.taskId) };
}

/**
 * Sends the paid create at most once per item and request in an execution (see ledger.ts): a run
 * that finds the task in the ledger takes it, and a create that may have gone through is reported
 * again, never re-sent.
 */
export async function submitOnce(
	ctx: IExecuteFunctions,
	config: ApiConfig,
	task: PreparedTask,
	signal: AbortSignal | undefined,
	callBackUrl?: string,
): Promise<SubmittedTask> {
	return await createOnce(
		ctx,
		task,
		async () => await submitTask(ctx, config, task, signal, callBackUrl),
	);
}

/** Reads a task's current state once, in the normalised shape. */
export async function checkTask(
	ctx: ApiContext,
	config: ApiConfig,
	task: PreparedTask,
	taskId: string,
	signal: AbortSignal | undefined,
): Promise<VideoResult> {
	if (task.readBack === 'repeatFourKRequest')
		return await requestFourK(ctx, config, task, task.body, signal, 'safe');
	const jobs = task.readBack === 'jobsRecord';
	const data = await kieRequest<IDataObject>(ctx, config, {
		method: 'GET',
		endpoint: jobs ? ENDPOINTS.jobsRecordInfo : ENDPOINTS.recordInfo,
		qs: { taskId },
		resend: 'safe',
		retry: task.settings.retry,
		signal,
	});
	const result = jobs
		? normalizeJobsRecord(data ?? {}, taskId)
		: normalizeRecord(data ?? {}, taskId);
	if (task.includeRaw) result.raw = data;
	return result;
}

export function successItem(task: PreparedTask, result: VideoResult): INodeExecutionData {
	const videoUrl =
		(task.preferFullVideo ? result.fullVideoUrls[0] : undefined) ?? result.videoUrls[0] ?? null;
	return { json: { ...result, videoUrl, ...task.echo }, pairedItem: { item: task.itemIndex } };
}

function submittedItem(submitted: SubmittedTask): INodeExecutionData {
	const { task, taskId } = submitted;
	return {
		json: { taskId, status: 'generating', ...task.echo },
		pairedItem: { item: task.itemIndex },
	};
}

async function finishItem(
	ctx: IExecuteFunctions,
	task: PreparedTask,
	result: VideoResult,
): Promise<INodeExecutionData> {
	const item = successItem(task, result);
	const url = item.json.videoUrl;
	if (task.downloadTo && typeof url === 'string') {
		const downloaded = await settle(
			async () => await downloadVideo(ctx, url, `${result.taskId}.mp4`),
		);
		if (!downloaded.ok) {
			// The video exists and was paid for: say where it is, so nothing is lost.
			if (downloaded.error instanceof DownloadError) downloaded.error.taskId = result.taskId;
			throw downloaded.error;
		}
		item.binary = { [task.downloadTo]: downloaded.value };
	}
	return item;
}

/**
 * Runs the prepared tasks in "Don't Wait" or "Wait Until Done" mode. All tasks are submitted as
 * fast as the create limit allows and waited for concurrently: a batch takes about as long as its
 * slowest render, not the sum of all renders.
 */
export async function runTasks(
	ctx: IExecuteFunctions,
	config: ApiConfig,
	tasks: PreparedTask[],
	waitMode: Exclude<WaitMode, 'callback'>,
): Promise<Array<PromiseSettledResult<INodeExecutionData>>> {
	const signal = ctx.getExecutionCancelSignal();
	if (waitMode === 'none') {
		return await mapSettled(tasks, 5, async (task) => {
			const submitted = await submitOnce(ctx, config, task, signal);
			return submitted.finished ? successItem(task, submitted.finished) : submittedItem(submitted);
		});
	}
	const reads = new Semaphore(10);
	return await mapSettled(tasks, tasks.length, async (task) => {
		// Creates are paced by the rate limiter, not by the read lanes, so checks never queue behind them.
		const submitted = await submitOnce(ctx, config, task, signal);
		// Max Wait Time bounds the status reads too: no resend or request runs past it.
		const deadline = Date.now() + task.settings.wait.maxWaitMs;
		const bounded = {
			...submitted.task,
			settings: {
				...submitted.task.settings,
				retry: { ...submitted.task.settings.retry, deadline },
			},
		};
		const result =
			submitted.finished ??
			(await waitUntilFinal(
				submitted.taskId,
				async () =>
					await reads.run(
						async () => await checkTask(ctx, config, bounded, submitted.taskId, signal),
					),
				task.settings.wait,
				signal,
			));
		return await finishItem(ctx, submitted.task, result);
	});
}
