/**
 * Callback bodies in every documented variant (generation/extend, docs/kie-api.md#callback-body, 4K, docs/kie-api.md#callback-4k). Config picks the
 * variant wherever docs conflict: task id key, promptJson object vs string, URL list encoding, and
 * the two 4K shapes.
 */
import { MSG } from './envelope';
import { encodeUrls, sortedObject } from './formats';
import { OUTCOME_INFO, resultResolution } from './outcomes';
import { jobsCallbackPayload } from './jobsRecord';
import { fourKUrls, taskResultUrls } from './results';
import type { SimState } from './state';
import type { CallbackPayload, FourKJob, Task } from './types';

export type { CallbackPayload } from './types';

/** A finished task's callback: the Jobs shape for Jobs tasks, else the dedicated API's shape. */
export function generationPayload(state: SimState, task: Task): CallbackPayload {
	if (task.api === 'jobs') return jobsCallbackPayload(state, task);
	const c = state.config;
	const outcome = task.outcome ?? task.plannedOutcome;
	const id = { [c.callbackTaskIdKey]: task.id };
	if (outcome === 'success' || outcome === 'fallback') {
		const urls = taskResultUrls(state.publicUrl, task);
		const fallback = outcome === 'fallback';
		const info: Record<string, unknown> = {
			resultUrls: encodeUrls(urls.resultUrls, c.callbackUrlFormat),
		};
		// docs/kie-api.md#callback-body: the fallback example carries no originUrls and no promptJson.
		if (!fallback) info.originUrls = encodeUrls(urls.originUrls, c.callbackUrlFormat);
		info.resolution = resultResolution(task);
		const data: Record<string, unknown> = { ...id, info };
		if (!fallback) {
			const prompt = sortedObject(task.echo);
			data.promptJson = c.callbackPromptJson === 'string' ? JSON.stringify(prompt) : prompt;
		}
		data.fallbackFlag = fallback;
		const msg = fallback
			? MSG.cbFallbackSuccess
			: task.kind === 'extend'
				? MSG.cbExtendSuccess
				: MSG.cbSuccess;
		return { body: { code: 200, msg, data }, taskId: task.id, code: 200 };
	}
	// Failure shapes (docs/kie-api.md#callback-body): no `info`; code 400 / 422 (flow) / 500 / 501.
	const info = OUTCOME_INFO[outcome];
	const code = info.errorCode ?? 500;
	return {
		body: { code, msg: info.errorMessage, data: { ...id, fallbackFlag: false } },
		taskId: task.id,
		code,
	};
}

/** docs/kie-api.md#callback-4k, where the kie.ai pages disagree: callback-page shape (camelCase, `info`) or OpenAPI shape (snake_case, media_ids). */
export function fourKPayload(
	state: SimState,
	task: Task,
	index: number,
	job: FourKJob,
): CallbackPayload {
	const code = job.failed ? 500 : 200;
	const msg = job.failed ? MSG.fourKUnavailable : MSG.cb4kSuccess;
	const urls = fourKUrls(state.publicUrl, task, index);
	// The callback names the 4K render's own id when it has one (config fourKTaskId 'new').
	const named = job.id ?? task.id;
	if (state.config.fourKCallbackShape === 'openapi') {
		const data = job.failed
			? { task_id: named }
			: {
					task_id: named,
					result_urls: urls.resultUrls,
					media_ids: [`media_${named.slice(0, 12)}_${index}`],
					image_urls: urls.imageUrls,
				};
		return { body: { code, msg, data }, taskId: named, code };
	}
	const data = job.failed ? { taskId: named } : { taskId: named, info: urls };
	return { body: { code, msg, data }, taskId: named, code };
}
