import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

import { isUnknownTask, KieApiError } from '../kie/errors/errors';
import { UNKNOWN_TASK_TEXT } from '../kie/errors/kieCodeHints';
import type { StateReadBack, TaskRead, VideoResult } from '../kie/base/interfaces';
import type { CallbackKind } from '../kie/records/normalize';
import { settle } from '../kie/base/settle';
import { checkTask } from '../kie/records/readTask';
import { DEFAULT_RATE_LIMIT, getApiConfig } from '../kie/transport';

type Confirmed =
	| { ok: true; result: VideoResult; kind: CallbackKind }
	| { ok: false; status: 400 | 503; reason: string };

const NOT_FINAL_TEXT = 'kie.ai does not report this task as finished; retry later';
const UNREADABLE_TEXT = 'Could not read the task at kie.ai right now; retry later';
const NO_FOURK_TEXT = 'kie.ai has no 4K render for this task';

/** kie waits 15 s for the answer and retries a callback that failed, so reads give up early. */
const QUICK_RETRY = { maxRetries: 2, baseDelayMs: 300, maxDelayMs: 1000, requestTimeoutMs: 4000 };

function readOf(taskId: string, readBack: StateReadBack): TaskRead {
	return {
		// A generation has one video at kie, so its 4K is always index 0.
		body: { taskId, index: 0 },
		readBack,
		settings: { retry: QUICK_RETRY, rateLimit: DEFAULT_RATE_LIMIT },
		includeRaw: readBack === 'repeatFourKRequest',
	};
}

function refused(error: unknown): Confirmed {
	return isUnknownTask(error)
		? { ok: false, status: 400, reason: UNKNOWN_TASK_TEXT }
		: { ok: false, status: 503, reason: UNREADABLE_TEXT };
}

/**
 * What kie's own record says about the task a callback names: callback bodies are not signed (the
 * signature covers only the task id and the time), so the trigger emits this, never the body. A
 * generation callback is checked with record-info; a 4K callback first with record-info (the source
 * video must exist and be finished) and then with a repeat of the 4K request, which kie answers
 * with the 4K state. 400 means no such task or render at kie (a forged callback); 503 lets kie's own
 * retry try again while the task is not final or kie cannot be read.
 */
export async function confirmWithKie(
	ctx: IWebhookFunctions,
	credentials: ICredentialDataDecryptedObject,
	taskId: string,
	claimed: CallbackKind,
): Promise<Confirmed> {
	const config = await getApiConfig(ctx, credentials);
	const read = async (readBack: StateReadBack) =>
		await settle(
			async () => await checkTask(ctx, config, readOf(taskId, readBack), taskId, undefined),
		);
	const dedicated = await read('recordInfo');
	// A task made through kie's Jobs API is unknown to the dedicated record-info: ask the Jobs API.
	const jobs =
		!dedicated.ok && isUnknownTask(dedicated.error) ? await read('jobsRecord') : undefined;
	const record = jobs && (jobs.ok || !isUnknownTask(jobs.error)) ? jobs : dedicated;
	if (!record.ok) return refused(record.error);
	if (claimed === 'generation') {
		if (record.value.status === 'generating')
			return { ok: false, status: 503, reason: NOT_FINAL_TEXT };
		return { ok: true, result: record.value, kind: 'generation' };
	}
	if (record.value.status !== 'success') return { ok: false, status: 400, reason: NO_FOURK_TEXT };
	const fourK = await settle(
		async () =>
			await checkTask(ctx, config, readOf(taskId, 'repeatFourKRequest'), taskId, undefined),
	);
	if (!fourK.ok) {
		const error = fourK.error;
		if (
			error instanceof KieApiError &&
			error.code === 422 &&
			/unavailable/i.test(error.kieMessage)
		) {
			return {
				ok: true,
				kind: '4k',
				result: {
					...record.value,
					status: 'failed',
					videoUrls: [],
					originUrls: [],
					fullVideoUrls: [],
					imageUrls: [],
					resolution: '4k',
					errorCode: error.code,
					errorMessage: error.kieMessage.slice(0, 200),
				},
			};
		}
		return refused(error);
	}
	const { raw, ...result } = fourK.value;
	if (result.status === 'success' || result.status === 'failed')
		return { ok: true, result: result as VideoResult, kind: '4k' };
	// kie's first answer to a 4K request has no state message: nothing was being rendered.
	const answeredWithState = typeof (raw as { msg?: unknown } | undefined)?.msg === 'string';
	return answeredWithState
		? { ok: false, status: 503, reason: NOT_FINAL_TEXT }
		: { ok: false, status: 400, reason: NO_FOURK_TEXT };
}
