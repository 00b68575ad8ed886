import type { IDataObject } from 'n8n-workflow';

import { KieApiError } from '../errors/errors';
import type { ApiConfig, RetryPolicy } from '../base/interfaces';
import { settle } from '../base/settle';
import { ENDPOINTS, kieRequest, type ApiContext } from './index';

/**
 * kie.ai offers Veo 3.1 through two APIs. The dedicated `/api/v1/veo/*` endpoints (now in kie's
 * "old model" docs, https://docs.kie.ai/old-model/veo3-api/generate-veo-3-video) are the only way
 * to choose Quality, Fast or Lite. The unified Jobs API (`POST /api/v1/jobs/createTask`,
 * `GET /api/v1/jobs/recordInfo`) has the models below, offers `duration` 4/6/8 s and has no tier
 * field: kie's docs do not say which tier `veo-3-1` bills (its default, Fast, is the likely one).
 * Each API's record endpoint knows only its own tasks.
 */
export const JOBS_MODEL = {
	generate: 'veo-3-1',
	extend: 'veo/extend',
	get1080p: 'veo/get-1080p-video',
	get4k: 'veo/get-4k-video',
} as const;

const DEDICATED_PREFIX = '/api/v1/veo/';

/**
 * kie answered that a dedicated endpoint does not exist any more (HTTP 404 or 410 for the path).
 * Such an answer cannot have created a task, so the same request may go to the Jobs API.
 * A body code 404 with HTTP 200 is different: it means "no such task".
 */
export function isRetiredEndpoint(error: unknown): boolean {
	return (
		error instanceof KieApiError &&
		error.endpoint.startsWith(DEDICATED_PREFIX) &&
		(error.httpStatus === 404 || error.httpStatus === 410)
	);
}

/**
 * The API asked does not know the task ("record is null." from the dedicated API, "recordInfo is
 * null" from the Jobs API, 404 from the dedicated extend): it may belong to the other API.
 */
export function isUnknownTask(error: unknown): boolean {
	if (!(error instanceof KieApiError)) return false;
	if (isRetiredEndpoint(error)) return true;
	if (error.code === 422 && /record(Info)? is null/i.test(error.kieMessage)) return true;
	return error.code === 404 && error.httpStatus !== 404 && error.endpoint === ENDPOINTS.extend;
}

interface FoundRecord {
	api: 'veo' | 'jobs';
	data: IDataObject;
}

/**
 * Reads a task's record from whichever API knows it: the dedicated record-info first (most tasks
 * come from there), the Jobs recordInfo when that one does not know the task or is gone.
 */
export async function readAnyRecord(
	ctx: ApiContext,
	config: ApiConfig,
	taskId: string,
	retry: RetryPolicy | undefined,
	signal: AbortSignal | undefined,
): Promise<FoundRecord> {
	const read = async (endpoint: string) =>
		await kieRequest<IDataObject>(ctx, config, {
			method: 'GET',
			endpoint,
			qs: { taskId },
			resend: 'safe',
			retry,
			signal,
		});
	const dedicated = await settle(async () => await read(ENDPOINTS.recordInfo));
	if (dedicated.ok) return { api: 'veo', data: dedicated.value ?? {} };
	if (!isUnknownTask(dedicated.error)) throw dedicated.error;
	const jobs = await settle(async () => await read(ENDPOINTS.jobsRecordInfo));
	if (jobs.ok) return { api: 'jobs', data: jobs.value ?? {} };
	// Neither knows it: report the dedicated API's answer unless that endpoint is gone.
	throw isRetiredEndpoint(dedicated.error) ? jobs.error : dedicated.error;
}

/** The Jobs path of a model's discovery endpoint, e.g. `/api/v1/models/veo-3-1/success-rate`. */
export function modelPath(model: string, aspect: 'price' | 'schema' | 'success-rate'): string {
	return `${ENDPOINTS.models}/${encodeURIComponent(model)}/${aspect}`;
}

/** The dedicated generate body in `veo-3-1`'s form: snake_case input, `duration` in whole seconds. */
export function jobsGenerateBody(veo: IDataObject, duration?: number): IDataObject {
	const input: IDataObject = {
		prompt: veo.prompt,
		aspect_ratio: veo.aspect_ratio,
		generation_type: veo.generationType,
	};
	if (veo.imageUrls) input.image_urls = veo.imageUrls;
	if (veo.resolution) input.resolution = veo.resolution;
	if (veo.seeds !== undefined) input.seeds = veo.seeds;
	if (veo.watermark) input.watermark = veo.watermark;
	if (typeof veo.enableTranslation === 'boolean') input.enable_translation = veo.enableTranslation;
	if (duration !== undefined) input.duration = duration;
	return withCallback({ model: JOBS_MODEL.generate, input }, veo);
}

/** The dedicated extend body in `veo/extend`'s form (`task_id`; no tier field). */
export function jobsExtendBody(veo: IDataObject): IDataObject {
	const input: IDataObject = { task_id: veo.taskId, prompt: veo.prompt };
	if (veo.seeds !== undefined) input.seeds = veo.seeds;
	if (veo.watermark) input.watermark = veo.watermark;
	return withCallback({ model: JOBS_MODEL.extend, input }, veo);
}

/** A 1080p or 4K request in the Jobs form; note `taskId` for 1080p but `task_id` for 4K. */
export function jobsUpgradeBody(
	upgrade: '1080p' | '4k',
	taskId: string,
	index: number,
	callBackUrl?: string,
): IDataObject {
	const input = upgrade === '1080p' ? { taskId, index } : { task_id: taskId, index };
	return withCallback(
		{ model: upgrade === '1080p' ? JOBS_MODEL.get1080p : JOBS_MODEL.get4k, input },
		{ callBackUrl },
	);
}

function withCallback(body: IDataObject, from: IDataObject): IDataObject {
	return from.callBackUrl ? { ...body, callBackUrl: from.callBackUrl } : body;
}
