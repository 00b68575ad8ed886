import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { kieRequest, type ApiContext } from '../../kie/transport';
import { downloadVideo } from '../inputs/binary';
import { DownloadError, KieApiError } from '../../kie/errors/errors';
import { mapSettled, Semaphore } from '../../kie/base/concurrency';
import { sendWithJobsFallback } from '../../kie/records/jobsFallback';
import { requestFourK } from '../../kie/records/fourKRequest';
import type { ApiConfig, VideoResult } from '../../kie/base/interfaces';
import { createOnce } from '../money/ledger';
import type { PreparedTask, SubmittedTask, WaitMode } from '../inputs/preparedTask';
import { checkTask } from '../../kie/records/readTask';
import { settle } from '../../kie/base/settle';
import { waitUntilFinal } from '../../kie/records/waiting';

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
		return {
			task,
			taskId: state.taskId,
			fourKTaskId: state.fourKTaskId,
			finished: state.status === 'success' ? state : undefined,
		};
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
		const result = await waitForResult(ctx, config, submitted, reads, signal);
		return await finishItem(ctx, submitted.task, result);
	});
}

/**
 * Polls a submitted task until it is final: its result on success; TaskFailedError or
 * WaitTimeoutError otherwise. Max Wait Time bounds the status reads too: no resend or request
 * runs past it.
 */
export async function waitForResult(
	ctx: IExecuteFunctions,
	config: ApiConfig,
	submitted: SubmittedTask,
	reads: Semaphore,
	signal: AbortSignal | undefined,
): Promise<VideoResult> {
	if (submitted.finished) return submitted.finished;
	const { task } = submitted;
	const deadline = Date.now() + task.settings.wait.maxWaitMs;
	const bounded = {
		...task,
		settings: { ...task.settings, retry: { ...task.settings.retry, deadline } },
	};
	return await waitUntilFinal(
		submitted.taskId,
		async () =>
			await reads.run(async () => await checkTask(ctx, config, bounded, submitted.taskId, signal)),
		task.settings.wait,
		signal,
	);
}
