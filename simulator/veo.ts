/**
 * Handlers of the Veo endpoints: generate (docs/kie-api.md#generate), record-info (docs/kie-api.md#record-info), get-1080p-video (docs/kie-api.md#get-1080p),
 * get-4k-video (docs/kie-api.md#get-4k), extend (docs/kie-api.md#extend). Each returns an ApiResult; auth, faults and rate limiting happen
 * before, in server.ts.
 */
import { fail, MSG, ok, type ApiResult } from './envelope';
import { extendPrice, generatePrice } from './pricing';
import { fourKRecordData, recordData } from './record';
import type { SimState } from './state';
import { createTask, extensionRefusal, isExpired, isVideoTask, lookupTask } from './tasks';
import { findFourKById, get1080p, request4k } from './upgrades';
import { isSuccessful } from './outcomes';
import {
	parseIndex,
	validateExtend,
	validateFourK,
	validateGenerate,
	validateTaskIdQuery,
} from './validation';

export function handleGenerate(state: SimState, body: unknown): ApiResult {
	const v = validateGenerate(body);
	if (!v.ok) return fail(422, v.msg);
	const p = v.value;
	// docs/kie-api.md#prices: charge first; 402 leaves no task behind.
	const price = generatePrice(p.model, p.resolution);
	if (!state.charge(price)) return fail(402, MSG.insufficientCredits);
	const task = createTask(state, {
		kind: 'generate',
		api: 'veo',
		parentId: null,
		prompt: p.prompt,
		model: p.model,
		aspectRatio: p.aspectRatio,
		resolution: p.resolution,
		seeds: p.seeds,
		callBackUrl: p.callBackUrl,
		price,
		// Echo as observed in promptJson/paramJson (docs/kie-api.md#record-fields, docs/kie-api.md#callback-body): camelCase aspectRatio, defaults filled
		// in; optional fields only when sent. The G0 docs spell watermark `waterMark` in paramJson.
		echo: {
			prompt: p.prompt,
			model: p.model,
			aspectRatio: p.aspectRatio,
			enableFallback: p.enableFallback,
			enableTranslation: p.enableTranslation,
			callBackUrl: p.callBackUrl,
			imageUrls: p.imageUrls.length > 0 ? p.imageUrls : null,
			generationType: p.sent.generationType ? p.generationType : null,
			resolution: p.sent.resolution ? p.resolution : null,
			seeds: p.seeds,
			waterMark: p.watermark,
		},
	});
	return ok({ taskId: task.id });
}

export function handleExtend(state: SimState, body: unknown): ApiResult {
	const v = validateExtend(body);
	if (!v.ok) return fail(422, v.msg);
	const p = v.value;
	const parent = state.tasks.get(p.taskId);
	// docs/kie-api.md#extend: 404 for an unknown original task; 422 when it is not (or no longer) a successful record.
	// The dedicated endpoints know only the tasks they created.
	if (!parent || parent.api !== 'veo') return fail(404, MSG.extendNotFound);
	if (isExpired(state, parent)) return fail(422, MSG.retention);
	if (!isVideoTask(parent)) return fail(422, MSG.notAVideo);
	if (!isSuccessful(parent.outcome)) return fail(422, MSG.notSuccess);
	const refused = extensionRefusal(state, parent);
	if (refused) return refused;
	const price = extendPrice(p.model);
	if (!state.charge(price)) return fail(402, MSG.insufficientCredits);
	const task = createTask(state, {
		kind: 'extend',
		api: 'veo',
		parentId: parent.id,
		prompt: p.prompt,
		model: p.model,
		aspectRatio: parent.aspectRatio,
		resolution: parent.resolution,
		seeds: p.seeds,
		callBackUrl: p.callBackUrl,
		price,
		echo: {
			taskId: parent.id,
			prompt: p.prompt,
			model: p.model,
			seeds: p.seeds,
			waterMark: p.watermark,
			callBackUrl: p.callBackUrl,
		},
	});
	return ok({ taskId: task.id });
}

export function handleRecordInfo(state: SimState, query: URLSearchParams): ApiResult {
	const id = validateTaskIdQuery(query.get('taskId'));
	if (!id.ok) return fail(422, id.msg);
	const found = lookupTask(state, id.value);
	if ('error' in found) {
		const fourK = findFourKById(state, id.value);
		return fourK ? ok(fourKRecordData(state, fourK.task, fourK.index, fourK.job)) : found.error;
	}
	return ok(recordData(state, found.task));
}

export function handle1080p(state: SimState, query: URLSearchParams): ApiResult {
	const id = validateTaskIdQuery(query.get('taskId'));
	if (!id.ok) return fail(422, id.msg);
	const index = parseIndex(query.get('index'));
	if (!index.ok) return fail(422, index.msg);
	return get1080p(state, id.value, index.value);
}

export function handle4k(state: SimState, body: unknown): ApiResult {
	const v = validateFourK(body);
	if (!v.ok) return fail(422, v.msg);
	return request4k(state, v.value);
}
