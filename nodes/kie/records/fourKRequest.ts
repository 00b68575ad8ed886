import type { IDataObject } from 'n8n-workflow';

import { ENDPOINTS, kieRequest, type ApiContext } from '../transport';
import { KieApiError } from '../errors/errors';
import type { ApiConfig, ResendPolicy, TaskRead, VideoResult } from '../base/interfaces';
import { normalizeRecord } from './normalize';
import { settle } from '../base/settle';

/**
 * The 4K endpoint answers a repeat request with 422 and the state in the message (docs/kie-api.md#get-4k):
 * "4k is processing…" while it renders, "The video has been generated successfully" with the URLs
 * once done. Repeats cost nothing, so a read may re-POST; it still counts against the create limit.
 */
export async function requestFourK(
	ctx: ApiContext,
	config: ApiConfig,
	task: TaskRead,
	body: IDataObject,
	signal: AbortSignal | undefined,
	resend: ResendPolicy,
): Promise<VideoResult> {
	const originalTaskId = String(task.body.taskId);
	const answer = await settle(
		async () =>
			await kieRequest<IDataObject>(ctx, config, {
				method: 'POST',
				endpoint: ENDPOINTS.get4k,
				body,
				resend,
				rateLimited: true,
				retry: task.settings.retry,
				rateLimit: task.settings.rateLimit,
				signal,
			}),
	);
	let data: IDataObject | undefined;
	let message = '';
	if (answer.ok) {
		data = answer.value;
	} else {
		const error = answer.error;
		const isState =
			error instanceof KieApiError &&
			error.code === 422 &&
			/generated successfully|processing/i.test(error.kieMessage);
		if (!isState) throw error;
		message = error.kieMessage;
		data = (error.data as IDataObject) ?? {};
	}
	const result = normalizeRecord(
		{ taskId: data?.taskId ?? originalTaskId, successFlag: 0, response: data ?? {} },
		originalTaskId,
	);
	result.taskId = originalTaskId;
	// kie's docs leave open whether the answer names the source task or a 4K task of its own; an
	// id of its own can be read with record-info, for free.
	const answered = typeof data?.taskId === 'string' ? data.taskId : '';
	if (answered && answered !== originalTaskId) result.fourKTaskId = answered;
	result.resolution = '4k';
	if (result.videoUrls.length > 0) result.status = 'success';
	if (task.includeRaw) result.raw = { ...(data ?? {}), msg: message || undefined };
	return result;
}
