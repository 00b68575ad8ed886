/**
 * The record-info `data` object (docs/kie-api.md#record-fields), in the current shape or the G0 legacy shape, with the time
 * and URL encodings chosen by config.
 */
import { fourKUrls, taskResultUrls } from './results';
import { MSG } from './envelope';
import { encodeUrls, formatTime, sortedObject } from './formats';
import { isSuccessful, OUTCOME_INFO, resultResolution } from './outcomes';
import type { SimState } from './state';
import type { FourKJob, Task } from './types';

export function recordData(state: SimState, task: Task): Record<string, unknown> {
	const c = state.config;
	const info = task.outcome ? OUTCOME_INFO[task.outcome] : null;
	const successFlag = info?.successFlag ?? 0;
	const urls = isSuccessful(task.outcome) ? taskResultUrls(state.publicUrl, task) : null;
	const common = {
		taskId: task.id,
		// docs/kie-api.md#record-fields: JSON text of the submitted params; aspect ratio echoed as camelCase `aspectRatio`.
		paramJson: JSON.stringify(sortedObject(task.echo)),
		completeTime: formatTime(task.completedAt, c.timeFormat),
		createTime: formatTime(task.createdAt, c.timeFormat),
	};
	const errors = { errorCode: info?.errorCode ?? null, errorMessage: info?.errorMessage ?? null };

	if (c.recordShape === 'legacy') {
		// Legacy (docs/kie-api.md#record-fields): G0 quickstart reads data.status and JSON.parse(data.resultUrls).
		return {
			...common,
			status: successFlag,
			resultUrls: urls ? JSON.stringify(urls.resultUrls) : null,
			originUrls: urls?.originUrls ? JSON.stringify(urls.originUrls) : null,
			...errors,
		};
	}

	let response: Record<string, unknown> | null = null;
	if (urls) {
		response = {
			taskId: task.id,
			resultUrls: encodeUrls(urls.resultUrls, c.recordUrlFormat),
			originUrls: encodeUrls(urls.originUrls, c.recordUrlFormat),
			resolution: resultResolution(task),
			seeds: [task.seed], // observed only
			hasAudioList: [true], // observed only
		};
		if (urls.fullResultUrls)
			response.fullResultUrls = encodeUrls(urls.fullResultUrls, c.recordUrlFormat);
	}
	return {
		...common,
		response,
		successFlag,
		...errors,
		// docs/kie-api.md#record-fields: deprecated, but still present on generation tasks.
		fallbackFlag: task.outcome === 'fallback',
	};
}

/**
 * record-info of a 4K render that has a task id of its own (config fourKTaskId 'new'): kie's
 * record-info page says 4K upgrade tasks carry no fallbackFlag and answer with the 4K URLs and
 * their mediaIds in `response`.
 */
export function fourKRecordData(
	state: SimState,
	source: Task,
	index: number,
	job: FourKJob,
): Record<string, unknown> {
	const c = state.config;
	const id = job.id ?? source.id;
	const urls = job.done && !job.failed ? fourKUrls(state.publicUrl, source, index) : null;
	return {
		taskId: id,
		paramJson: JSON.stringify(sortedObject({ taskId: source.id, index })),
		completeTime: formatTime(job.done ? job.startedAt + job.readyMs : null, c.timeFormat),
		createTime: formatTime(job.startedAt, c.timeFormat),
		response: urls
			? {
					taskId: id,
					resultUrls: encodeUrls(urls.resultUrls, c.recordUrlFormat),
					imageUrls: encodeUrls(urls.imageUrls, c.recordUrlFormat),
					mediaIds: [`media_${id.slice(0, 12)}_${index}`],
					resolution: '4k',
				}
			: null,
		successFlag: !job.done ? 0 : job.failed ? 3 : 1,
		errorCode: job.failed ? 500 : null,
		errorMessage: job.failed ? MSG.fourKUnavailable : null,
	};
}
