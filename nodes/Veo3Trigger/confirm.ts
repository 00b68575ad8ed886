import type { ICredentialDataDecryptedObject, IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { isUnknownTask } from '../kie/errors/errors';
import { UNKNOWN_TASK_TEXT } from '../kie/errors/kieCodeHints';
import type { TaskRead, VideoResult } from '../kie/base/interfaces';
import type { CallbackKind } from '../kie/records/normalize';
import { settle } from '../kie/base/settle';
import { checkTask } from '../kie/records/readTask';
import { DEFAULT_RATE_LIMIT, getApiConfig } from '../kie/transport';

export type Confirmed =
	| { ok: true; result: VideoResult; kind: CallbackKind; record: IDataObject }
	| { ok: false; status: 400 | 503; reason: string }
	/** A claim kie's free reads cannot show: acknowledged, nothing started (see confirmWithKie). */
	| { ok: false; status: 200; unconfirmed: true; reason: string };

const NOT_FINAL_TEXT = 'kie.ai does not report this task as finished; retry later';
const UNREADABLE_TEXT = 'Could not read the task at kie.ai right now; retry later';

export function unconfirmedFourKText(taskId: string): string {
	return `kie.ai's record of task ${taskId} shows no 4K result, and kie.ai offers no free read of a 4K render kept under its source task; the trigger never sends a 4K request (it can be paid). Nothing was started: use the Veo3 node's Get 4K on this task, which answers with the finished 4K at no charge once kie.ai has made it`;
}

/** kie waits 15 s for the answer and retries a callback that failed, so reads give up early. */
const QUICK_RETRY = { maxRetries: 2, baseDelayMs: 300, maxDelayMs: 1000, requestTimeoutMs: 4000 };

/** Only free reads: record-info and the Jobs API's recordInfo, never a request that creates. */
function readOf(taskId: string, readBack: 'recordInfo' | 'jobsRecord'): TaskRead {
	return {
		body: { taskId },
		readBack,
		settings: { retry: QUICK_RETRY, rateLimit: DEFAULT_RATE_LIMIT },
		includeRaw: true,
	};
}

function refused(error: unknown): Confirmed {
	return isUnknownTask(error)
		? { ok: false, status: 400, reason: UNKNOWN_TASK_TEXT }
		: { ok: false, status: 503, reason: UNREADABLE_TEXT };
}

function asObject(value: unknown): IDataObject {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : {};
}

/**
 * Whether kie's record is the record of a 4K render. kie's record-info page describes 4K upgrade
 * tasks as records without `fallbackFlag` whose response holds the 4K URLs and `mediaIds`; a
 * generation record always carries `fallbackFlag`. A Jobs API 4K task names its 4K model.
 */
function isFourKRecord(api: 'veo' | 'jobs', data: IDataObject): boolean {
	if (api === 'jobs') return /4k/i.test(String(data.model ?? ''));
	if ('fallbackFlag' in data) return false;
	const response = asObject(data.response);
	return (
		/^4k$/i.test(String(response.resolution ?? '')) ||
		Array.isArray(response.mediaIds) ||
		Array.isArray(data.mediaIds) ||
		// A failed 4K task has no response; kie's reason names the 4K.
		(Number(data.successFlag) >= 2 && /\b4k\b/i.test(String(data.errorMessage ?? '')))
	);
}

/**
 * What kie's own record says about the task a callback names. Callback bodies are not signed (the
 * signature covers only the task id and the time), so the trigger emits this, never the body, and
 * confirming uses only free reads: record-info, then the Jobs API's recordInfo for a task kie's
 * dedicated API does not know. A repeat of the 4K request is never sent from here: for a video
 * that never had a 4K, that "read" starts and charges a new render.
 *
 * The kind comes from kie's record too. A 4K claim is confirmed when the named task is a 4K record
 * (kie gave the 4K render a task id of its own). A 4K claim naming a task whose record is a plain
 * generation cannot be shown by any free read, so it is answered 200 with `confirmed: false` and
 * starts nothing: kie retries a callback answered with an error, and every retry would get the same
 * answer, so an error status would only bring three more identical requests.
 * 400: no such task at kie (a forged callback); 503: not final yet or kie unreadable, kie retries.
 */
export async function confirmWithKie(
	ctx: IWebhookFunctions,
	credentials: ICredentialDataDecryptedObject,
	taskId: string,
	claimed: CallbackKind,
): Promise<Confirmed> {
	const config = await getApiConfig(ctx, credentials);
	const read = async (readBack: 'recordInfo' | 'jobsRecord') =>
		await settle(
			async () => await checkTask(ctx, config, readOf(taskId, readBack), taskId, undefined),
		);
	const dedicated = await read('recordInfo');
	// A task made through kie's Jobs API is unknown to the dedicated record-info: ask the Jobs API.
	const jobs =
		!dedicated.ok && isUnknownTask(dedicated.error) ? await read('jobsRecord') : undefined;
	const fromJobs = jobs !== undefined && (jobs.ok || !isUnknownTask(jobs.error));
	const found = fromJobs ? jobs : dedicated;
	if (!found.ok) return refused(found.error);
	const { raw, ...result } = found.value;
	const record = asObject(raw);
	const fourK = isFourKRecord(fromJobs ? 'jobs' : 'veo', record);
	if (claimed === '4k' && !fourK)
		return { ok: false, status: 200, unconfirmed: true, reason: unconfirmedFourKText(taskId) };
	if (result.status === 'generating') return { ok: false, status: 503, reason: NOT_FINAL_TEXT };
	if (!fourK || fromJobs)
		// A Jobs 4K task keeps the kind its callback claimed: both are kie's word for the same result.
		return {
			ok: true,
			result: result as VideoResult,
			kind: fourK ? claimed : 'generation',
			record,
		};
	return {
		ok: true,
		kind: '4k',
		record,
		result: { ...(result as VideoResult), resolution: result.resolution ?? '4k' },
	};
}
