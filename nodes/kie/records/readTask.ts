import type { IDataObject } from 'n8n-workflow';

import type { ApiConfig, TaskRead, VideoResult } from '../base/interfaces';
import { ENDPOINTS, kieRequest, type ApiContext } from '../transport';
import { requestFourK } from './fourKRequest';
import { normalizeJobsRecord, normalizeRecord } from './normalize';

/** Reads a task's current state once, in the normalised shape. */
export async function checkTask(
	ctx: ApiContext,
	config: ApiConfig,
	task: TaskRead,
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
