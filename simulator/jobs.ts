/**
 * kie's unified Jobs API for Veo 3.1: `POST /api/v1/jobs/createTask` and
 * `GET /api/v1/jobs/recordInfo`. Four models: `veo-3-1` (generate, with `duration`),
 * `veo/extend`, `veo/get-1080p-video` and `veo/get-4k-video`. Every create answers
 * `{taskId, recordId}` and is followed with recordInfo; the two upgrades run as tasks of their own
 * here (kie's docs leave open whether they do; clients should accept both).
 *
 * Choices where kie's docs are silent (inferences, not documented facts):
 * - `veo-3-1` has no tier field; it bills Fast's prices (kie's default tier).
 * - Extend and the upgrades accept a video task of either API; the dedicated endpoints know only
 *   their own tasks, and recordInfo knows only Jobs tasks (422 "recordInfo is null" otherwise).
 * - `duration` does not change the price.
 */
import { fail, MSG, ok, type ApiResult } from './envelope';
import { validateJobsCreate, type JobsRequest } from './jobsValidation';
import { jobsRecordData } from './jobsRecord';
import { recordInfoAllowed } from './limits';
import { extendPrice, generatePrice, PRICE_4K } from './pricing';
import { hexId } from './random';
import type { SimState } from './state';
import { createTask, extensionRefusal, lookupSuccessfulTask, lookupTask } from './tasks';
import type { JobsInfo, NewTask, Task } from './types';
import { hd1080Job, markHd1080Ready, startFourK, upgradeRefusal, finishFourK } from './upgrades';
import { validateTaskIdQuery } from './validation';

function jobsInfo(request: JobsRequest): JobsInfo {
	return { model: request.model, param: request.body, recordId: hexId() };
}

function created(task: Task): ApiResult {
	return ok({ taskId: task.id, recordId: task.jobs?.recordId ?? null });
}

/** Fields every Jobs task shares; the caller adds what its model needs. */
function base(
	request: JobsRequest,
	parent: Task | null,
): Pick<NewTask, 'api' | 'jobs' | 'callBackUrl' | 'parentId' | 'echo'> {
	return {
		api: 'jobs',
		jobs: jobsInfo(request),
		callBackUrl: request.callBackUrl,
		parentId: parent?.id ?? null,
		echo: {},
	};
}

function generate(state: SimState, request: JobsRequest & { model: 'veo-3-1' }): ApiResult {
	const input = request.input;
	const price = generatePrice('veo3_fast', input.resolution);
	if (!state.charge(price)) return fail(402, MSG.insufficientCredits);
	return created(
		createTask(state, {
			...base(request, null),
			kind: 'generate',
			duration: input.duration,
			prompt: input.prompt,
			model: request.model,
			aspectRatio: input.aspectRatio,
			resolution: input.resolution,
			seeds: input.seeds,
			price,
		}),
	);
}

function extend(state: SimState, request: JobsRequest & { model: 'veo/extend' }): ApiResult {
	const found = lookupSuccessfulTask(state, request.input.taskId, 'any');
	if ('error' in found) return found.error;
	const parent = found.task;
	const refused = extensionRefusal(state, parent);
	if (refused) return refused;
	const price = extendPrice('fast');
	if (!state.charge(price)) return fail(402, MSG.insufficientCredits);
	return created(
		createTask(state, {
			...base(request, parent),
			kind: 'extend',
			prompt: request.input.prompt,
			model: request.model,
			aspectRatio: parent.aspectRatio,
			resolution: parent.resolution,
			seeds: request.input.seeds,
			price,
		}),
	);
}

/** 1080p or 4K of a finished video, as a task that succeeds when the parent's upgrade is ready. */
function upgrade(
	state: SimState,
	request: JobsRequest & { model: 'veo/get-1080p-video' | 'veo/get-4k-video' },
): ApiResult {
	const { taskId, index } = request.input;
	const found = lookupSuccessfulTask(state, taskId, 'any');
	if ('error' in found) return found.error;
	const parent = found.task;
	const is1080 = request.model === 'veo/get-1080p-video';
	const refused = upgradeRefusal(parent, index, is1080 ? '1080p' : '4k');
	if (refused) return refused;
	const common = {
		...base(request, parent),
		index,
		prompt: parent.prompt,
		model: request.model,
		aspectRatio: parent.aspectRatio,
		seeds: parent.seed,
	};
	if (is1080) {
		const started = hd1080Job(state, parent, index);
		if ('error' in started) return started.error;
		const { job } = started;
		const renderMs = Math.max(0, job.startedAt + job.readyMs - Date.now());
		return created(
			createTask(state, {
				...common,
				kind: 'hd1080',
				resolution: '1080p',
				price: started.charged,
				renderMs,
				outcome: 'success',
				onComplete: () => markHd1080Ready(state, job),
			}),
		);
	}
	let job = parent.fourK.get(index);
	let charged = 0;
	if (!job) {
		if (!state.charge(PRICE_4K)) return fail(402, MSG.insufficientCredits);
		charged = PRICE_4K;
		job = startFourK(state, parent, { taskId, index, callBackUrl: null });
	}
	const fourK = job;
	const fails = fourK.done ? fourK.failed : state.config.fourKOutcome === 'fail';
	return created(
		createTask(state, {
			...common,
			kind: 'fourK',
			resolution: '4k',
			price: charged,
			renderMs: fourK.done ? 0 : Math.max(0, fourK.startedAt + fourK.readyMs - Date.now()),
			outcome: fails ? 'fail' : 'success',
			onComplete: () => finishFourK(state, parent, index, fourK),
		}),
	);
}

export function handleCreateTask(state: SimState, body: unknown): ApiResult {
	const v = validateJobsCreate(body);
	if (!v.ok) return fail(422, v.msg);
	const request = v.value;
	switch (request.model) {
		case 'veo-3-1':
			return generate(state, request);
		case 'veo/extend':
			return extend(state, request);
		default:
			return upgrade(state, request);
	}
}

export function handleJobsRecordInfo(state: SimState, query: URLSearchParams): ApiResult {
	const id = validateTaskIdQuery(query.get('taskId'));
	if (!id.ok) return fail(422, id.msg);
	const limited = recordInfoAllowed(state, id.value);
	if (limited) return limited;
	const found = lookupTask(state, id.value, 'jobs');
	if ('error' in found) return found.error;
	return ok(jobsRecordData(state, found.task));
}
