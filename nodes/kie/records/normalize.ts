import type { IDataObject } from 'n8n-workflow';

import type { TaskStatus, VideoResult } from '../base/interfaces';
import { toIsoTime } from '../base/time';
import { kieText } from '../errors/upstreamText';
import { parseUrlList } from '../base/urls';

function asObject(value: unknown): IDataObject {
	if (value && typeof value === 'object' && !Array.isArray(value)) return value as IDataObject;
	if (typeof value === 'string' && value.trim().startsWith('{')) {
		try {
			return asObject(JSON.parse(value));
		} catch {
			return {};
		}
	}
	return {};
}

function asNumberOrNull(value: unknown): number | null {
	if (value === null || value === undefined || value === '' || value === 'null') return null;
	const n = Number(value);
	return Number.isFinite(n) ? n : null;
}

function asTextOrNull(value: unknown): string | null {
	return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/** successFlag 0 = generating, 1 = success, 2 and 3 = failed (docs/kie-api.md#record-fields; the schema enum omits 3). */
function statusFromSuccessFlag(flag: unknown): TaskStatus {
	const n = Number(flag);
	if (n === 1) return 'success';
	if (n === 2 || n === 3) return 'failed';
	return 'generating';
}

/** Reads the task id wherever a documented shape puts it (taskId, task_id, top-level). */
export function findTaskId(body: IDataObject): string | undefined {
	const data = asObject(body.data);
	const candidates = [data.taskId, data.task_id, body.taskId, body.task_id];
	const found = candidates.find((c) => typeof c === 'string' && c.trim() !== '');
	return found === undefined ? undefined : String(found);
}

/**
 * Normalises record-info `data` (docs/kie-api.md#record-fields): `response` object (current docs), or the legacy
 * shape with `status` and a JSON-string `resultUrls` at data level (G0 quickstart).
 */
export function normalizeRecord(data: IDataObject, fallbackTaskId = ''): VideoResult {
	const response = asObject(data.response ?? data.info);
	const status =
		data.successFlag !== undefined && data.successFlag !== null
			? statusFromSuccessFlag(data.successFlag)
			: statusFromSuccessFlag(data.status);
	const errorCode = asNumberOrNull(data.errorCode);
	return {
		taskId: String(data.taskId ?? data.task_id ?? response.taskId ?? fallbackTaskId),
		status,
		videoUrls: parseUrlList(response.resultUrls ?? response.result_urls ?? data.resultUrls),
		originUrls: parseUrlList(response.originUrls ?? data.originUrls),
		fullVideoUrls: parseUrlList(response.fullResultUrls),
		imageUrls: parseUrlList(response.imageUrls ?? response.image_urls),
		resolution: asTextOrNull(response.resolution),
		fallback: data.fallbackFlag === true || data.fallbackFlag === 'true',
		errorCode: status === 'failed' ? errorCode : null,
		errorMessage: status === 'failed' ? asTextOrNull(kieText(data.errorMessage)) : null,
		createdAt: toIsoTime(data.createTime),
		completedAt: toIsoTime(data.completeTime),
	};
}

/** Jobs API `state`: waiting, queuing, generating (not final), success, fail. */
function statusFromJobsState(state: unknown, successFlag: unknown): TaskStatus {
	const text = typeof state === 'string' ? state.toLowerCase() : '';
	if (text === 'success') return 'success';
	if (text === 'fail' || text === 'failed') return 'failed';
	return text ? 'generating' : statusFromSuccessFlag(successFlag);
}

/**
 * Normalises a Jobs API record (`GET /api/v1/jobs/recordInfo` data) or a Jobs-shaped callback's
 * `data`: `state`, the result as `response` (parsed) or `resultJson` (JSON text), `failCode` and
 * `failMsg`, `creditsConsumed`, and the request echoed in `param` (JSON text).
 */
export function normalizeJobsRecord(data: IDataObject, fallbackTaskId = ''): VideoResult {
	const result = { ...asObject(data.resultJson), ...asObject(data.response) };
	const status = statusFromJobsState(data.state, data.successFlag);
	const input = asObject(asObject(data.param).input);
	const credits = asNumberOrNull(data.creditsConsumed);
	return {
		taskId: String(data.taskId ?? data.task_id ?? fallbackTaskId),
		status,
		videoUrls: parseUrlList(result.resultUrls),
		originUrls: parseUrlList(result.originUrls),
		fullVideoUrls: parseUrlList(result.fullResultUrls),
		imageUrls: parseUrlList(result.imageUrls),
		resolution: asTextOrNull(result.resolution) ?? asTextOrNull(input.resolution),
		fallback: false,
		errorCode: status === 'failed' ? asNumberOrNull(data.failCode) : null,
		errorMessage: status === 'failed' ? (asTextOrNull(data.failMsg) ?? 'no reason given') : null,
		createdAt: toIsoTime(data.createTime),
		completedAt: toIsoTime(data.completeTime),
		...(credits === null ? {} : { creditsConsumed: credits }),
	};
}

export type CallbackKind = 'generation' | '4k';

export interface NormalizedCallback {
	kind: CallbackKind;
	result: VideoResult;
}

/**
 * Normalises a callback body (docs/kie-api.md#callback-body, docs/kie-api.md#callback-4k): generation and extend callbacks carry
 * `data.taskId` and `data.info`; 4K callbacks come as `data.info.resultUrls` + `imageUrls` (callback
 * page) or as snake_case `data.task_id`, `result_urls`, `image_urls`, `media_ids` (OpenAPI schema).
 * `code` 200 is success; anything else is a failure with `msg` as the reason.
 */
export function normalizeCallback(body: IDataObject): NormalizedCallback | undefined {
	const taskId = findTaskId(body);
	if (taskId === undefined) return undefined;
	const data = asObject(body.data);
	if ('state' in data || 'resultJson' in data) {
		// A Jobs API callback: its `state` says how the task ended.
		const failed = asNumberOrNull(body.code) !== 200 && !('state' in data);
		const fields = failed ? { ...data, state: 'fail', failMsg: data.failMsg ?? body.msg } : data;
		return { kind: 'generation', result: normalizeJobsRecord({ ...fields, taskId }, taskId) };
	}
	const info = asObject(data.info);
	const code = asNumberOrNull(body.code);
	const message = asTextOrNull(body.msg);
	const videoUrls = parseUrlList(info.resultUrls ?? data.result_urls ?? data.resultUrls);
	const imageUrls = parseUrlList(info.imageUrls ?? data.image_urls ?? data.imageUrls);
	const is4k =
		'result_urls' in data ||
		'media_ids' in data ||
		'image_urls' in data ||
		(imageUrls.length > 0 && !('fallbackFlag' in data)) ||
		/\b4k\b/i.test(message ?? '');
	const success = code === 200;
	return {
		kind: is4k ? '4k' : 'generation',
		result: {
			taskId,
			status: success ? 'success' : 'failed',
			videoUrls,
			originUrls: parseUrlList(info.originUrls),
			fullVideoUrls: parseUrlList(info.fullResultUrls),
			imageUrls,
			resolution: asTextOrNull(info.resolution) ?? (is4k && success ? '4k' : null),
			fallback: data.fallbackFlag === true,
			errorCode: success ? null : code,
			errorMessage: success ? null : message,
			createdAt: null,
			completedAt: null,
		},
	};
}

/** A record from either API, normalised by the shape its API uses. */
export function normalizeAnyRecord(
	found: { api: 'veo' | 'jobs'; data: IDataObject },
	taskId: string,
): VideoResult {
	return found.api === 'jobs'
		? normalizeJobsRecord(found.data, taskId)
		: normalizeRecord(found.data, taskId);
}
