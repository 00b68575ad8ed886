/**
 * How the Jobs API reports a task: the `GET /api/v1/jobs/recordInfo` record and the callback body.
 *
 * Record (kie's guide): `state` waiting → queuing → generating (successFlag 0), then success (1)
 * or fail (3, with `failCode`/`failMsg`); `resultJson` is JSON *text* (`{"resultUrls":[…]}`) and
 * `response` the same object already parsed; `param` is the request as JSON text; `progress`
 * exists but is never filled; `creditsConsumed` is reported (the dedicated API's record has none).
 * Callback (third-party code): `{code, msg, data: {taskId, callbackType, state, resultJson,
 * failCode, failMsg}}`, signed like the dedicated API's callbacks, over the task id.
 */
import type { CallbackPayload, Task } from './types';
import { OUTCOME_INFO, isSuccessful } from './outcomes';
import { jobsResultUrls } from './results';
import type { SimState } from './state';

type JobsState = 'waiting' | 'queuing' | 'generating' | 'success' | 'fail';

/** The not-final states in order; a task spends the first tenth waiting and the next tenth queuing. */
function runningState(task: Task): JobsState {
	const elapsed = (Date.now() - task.createdAt) / Math.max(1, task.renderMs);
	if (elapsed < 0.1) return 'waiting';
	if (elapsed < 0.2) return 'queuing';
	return 'generating';
}

function jobsState(task: Task): JobsState {
	if (task.outcome === null) return runningState(task);
	return isSuccessful(task.outcome) ? 'success' : 'fail';
}

function resultJsonOf(state: SimState, task: Task): string | null {
	if (!isSuccessful(task.outcome)) return null;
	const parent = task.parentId ? state.tasks.get(task.parentId) : undefined;
	return JSON.stringify(jobsResultUrls(state.publicUrl, task, parent));
}

function failure(task: Task): { failCode: string | null; failMsg: string | null } {
	if (task.outcome === null || isSuccessful(task.outcome)) return { failCode: null, failMsg: null };
	const info = OUTCOME_INFO[task.outcome];
	return {
		failCode: info.errorCode === null ? null : String(info.errorCode),
		failMsg: info.errorMessage,
	};
}

export function jobsRecordData(state: SimState, task: Task): Record<string, unknown> {
	const current = jobsState(task);
	const resultJson = resultJsonOf(state, task);
	const final = task.outcome !== null;
	return {
		taskId: task.id,
		model: task.jobs?.model ?? null,
		state: current,
		successFlag: current === 'success' ? 1 : current === 'fail' ? 3 : 0,
		param: JSON.stringify(task.jobs?.param ?? {}),
		resultJson,
		response: resultJson === null ? null : (JSON.parse(resultJson) as unknown),
		...failure(task),
		progress: null,
		costTime:
			final && task.completedAt !== null
				? Math.round((task.completedAt - task.createdAt) / 1000)
				: null,
		creditsConsumed: final ? task.creditsCharged : 0,
		createTime: task.createdAt,
		completeTime: task.completedAt,
	};
}

export function jobsCallbackPayload(state: SimState, task: Task): CallbackPayload {
	const current = jobsState(task);
	const { failCode, failMsg } = failure(task);
	const code = current === 'success' ? 200 : Number(failCode ?? 500);
	const data = {
		[state.config.callbackTaskIdKey]: task.id,
		callbackType: 'task_completed',
		state: current,
		resultJson: resultJsonOf(state, task),
		failCode,
		failMsg,
	};
	return {
		body: { code, msg: current === 'success' ? 'success' : (failMsg ?? 'failed'), data },
		taskId: task.id,
		code,
	};
}
