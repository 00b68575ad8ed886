import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { getApiConfig } from '../../kie/transport';
import {
	buildOutput,
	CALLBACK_BATCH_FIELD,
	isStoredBatch,
	type StoredBatch,
	type StoredTask,
	type TaskOutcome,
} from './callbackBatch';
import { inspectCallback, respond } from '../../kie/callbacks/callbackRequest';
import { mapSettled } from '../../kie/base/concurrency';
import { failResumedNode, readWaitingNodeContext } from '../engine/engineInternals';
import type { ApiConfig, VideoResult } from '../../kie/base/interfaces';
import { TaskFailedError } from '../../kie/errors/errors';
import { ledgerHasTask } from '../money/ledger';
import { checkTask } from '../../kie/records/readTask';
import type { PreparedTask } from '../inputs/preparedTask';
import { isTransient } from '../../kie/records/waiting';

/** Once one unfinished task was found, the rest are read this many at a time (kie waits 15 s). */
const CHECK_LANES = 5;
const MAX_REMEMBERED_BATCHES = 1000;

/**
 * What this process learnt about each parked batch. A final state never changes at kie, so a task
 * read as final is not read again; a batch resumes once every task was read final here. Another
 * webhook process, or this one after a restart, starts with nothing and reads more: never less.
 */
interface BatchMemory {
	outcomes: Map<string, TaskOutcome>;
	lastRead: Map<string, number>;
	resumed: boolean;
}

const memories = new Map<string, BatchMemory>();
const queues = new Map<string, Promise<void>>();

function memoryOf(batchId: string): BatchMemory {
	let memory = memories.get(batchId);
	if (!memory) {
		memory = { outcomes: new Map(), lastRead: new Map(), resumed: false };
		memories.set(batchId, memory);
		if (memories.size > MAX_REMEMBERED_BATCHES)
			memories.delete(memories.keys().next().value as string);
	}
	return memory;
}

// Callbacks of one batch are handled one after the other in this process. kie may deliver a
// callback twice at the same moment; without this, both deliveries could find every task final
// and both resume the execution (n8n only refuses an execution that is already marked running).
export async function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
	const previous = queues.get(key) ?? Promise.resolve();
	const run = previous.then(work);
	const tail = run.then(
		() => undefined,
		() => undefined,
	);
	queues.set(key, tail);
	try {
		return await run;
	} finally {
		if (queues.get(key) === tail) queues.delete(key);
	}
}

function loadBatch(ctx: IWebhookFunctions): StoredBatch | undefined {
	const batch = readWaitingNodeContext(ctx)?.[CALLBACK_BATCH_FIELD];
	return isStoredBatch(batch) ? batch : undefined;
}

/**
 * The Veo3 node's webhook(): runs for every POST to this execution's resume URL. Refuses forged
 * or malformed callbacks (no resume), answers kie at once, and resumes when every task is final.
 * It never throws: n8n does not fail an execution cleanly when a resuming webhook() throws (n8n
 * 1.x and 2.x run the following nodes with an empty item and drop the earlier nodes' data).
 */
export async function resumeFromCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const batch = loadBatch(this);
	if (!batch) {
		respond(this, 400, { error: 'This execution is not waiting for a Veo3 callback' });
		return { noWebhookResponse: true };
	}
	return await oneAtATime(batch.batchId, async () => {
		try {
			return await handleCallback(this, batch);
		} catch {
			// Answer kie with a retryable error; the execution stays waiting.
			respond(this, 503, { error: 'Could not check the tasks right now; retry later' });
			return { noWebhookResponse: true };
		}
	});
}

async function handleCallback(
	ctx: IWebhookFunctions,
	batch: StoredBatch,
): Promise<IWebhookResponseData> {
	const inspected = await inspectCallback(ctx, batch.toleranceSeconds);
	if (!inspected.ok) {
		respond(ctx, inspected.status, { error: inspected.reason });
		return { noWebhookResponse: true };
	}
	const waiting = batch.tasks.filter((t) => t.taskId && t.task);
	// A Get 4K callback names the source task, or the 4K render's own id when kie gave it one.
	const own = waiting.find(
		(t) => t.taskId === inspected.taskId || t.fourKTaskId === inspected.taskId,
	);
	if (!own) {
		respond(ctx, 400, { error: 'Unknown task ID for this execution' });
		return { noWebhookResponse: true };
	}
	const memory = memoryOf(batch.batchId);
	if (memory.resumed) {
		respond(ctx, 200, { received: true, alreadyResumed: true });
		return { noWebhookResponse: true };
	}
	const state = await learn(
		ctx,
		await getApiConfig(ctx, inspected.credentials),
		batch,
		memory,
		own,
		waiting,
	);
	if (state === 'unreadable') {
		// kie retries a callback answered with an error; the execution stays waiting.
		respond(ctx, 503, { error: 'Could not check the task right now; retry later' });
		return { noWebhookResponse: true };
	}
	if (state === 'waiting') {
		respond(ctx, 200, { received: true, waiting: true });
		return { noWebhookResponse: true };
	}
	const outcome = buildOutput(ctx, batch, memory.outcomes);
	memory.resumed = true;
	if (outcome.failure) failResumedNode(ctx, outcome.failure);
	return { workflowData: [outcome.items] };
}

type ReadResult = 'final' | 'unfinished' | 'unreadable';
type BatchState = 'complete' | 'waiting' | 'unreadable';

/**
 * kie's record is authoritative and the callback body is not signed (only the task id and time
 * are), so states always come from status reads, never from the body. The task that called back is
 * read (a repeated callback of a task known final reads nothing); then the other unknown tasks, least recently read first: one
 * alone, and if it is final the rest CHECK_LANES at a time, stopping at the first unfinished one.
 * With callbacks arriving one at a time this costs about two reads per video; the last callback
 * of a batch also covers callbacks kie lost. A read failing for good (a 4K kie cannot make, an
 * unknown task) ends that item; without "continue on fail" any final failure resumes at once.
 * 'unreadable' when the task that called back cannot be read now (kie retries the callback).
 */
async function learn(
	ctx: IWebhookFunctions,
	config: ApiConfig,
	batch: StoredBatch,
	memory: BatchMemory,
	own: StoredTask,
	waiting: StoredTask[],
): Promise<BatchState> {
	const context = readWaitingNodeContext(ctx);
	const read = async (stored: StoredTask): Promise<ReadResult> => {
		const taskId = stored.taskId as string;
		memory.lastRead.set(taskId, Date.now());
		try {
			const result = await readState(ctx, config, stored, context);
			if (result.status === 'generating') return 'unfinished';
			memory.outcomes.set(taskId, { ok: true, result });
		} catch (error) {
			if (isTransient(error)) return 'unreadable';
			memory.outcomes.set(taskId, { ok: false, error });
		}
		return 'final';
	};
	const failedHard = () =>
		!batch.continueOnFail &&
		[...memory.outcomes.values()].some((o) => !o.ok || o.result.status !== 'success');
	const done = (): BatchState => (unknown().length === 0 || failedHard() ? 'complete' : 'waiting');
	const unknown = () =>
		waiting
			.filter((t) => !memory.outcomes.has(t.taskId as string))
			.sort(
				(a, b) =>
					(memory.lastRead.get(a.taskId as string) ?? 0) -
					(memory.lastRead.get(b.taskId as string) ?? 0),
			);
	// A repeated callback of a task already read final brings nothing new: no reads at all.
	if (memory.outcomes.has(own.taskId as string)) return 'waiting';
	const ownState = await read(own);
	if (ownState !== 'final') return ownState === 'unreadable' ? 'unreadable' : 'waiting';
	if (failedHard()) return 'complete';
	const [first, ...rest] = unknown();
	if (first && (await read(first)) !== 'final') return done();
	for (let start = 0; start < rest.length; start += CHECK_LANES) {
		const reads = await mapSettled(
			rest.slice(start, start + CHECK_LANES),
			CHECK_LANES,
			async (t) => await read(t),
		);
		if (failedHard()) return 'complete';
		if (reads.some((r) => r.status !== 'fulfilled' || r.value !== 'final')) return 'waiting';
	}
	return done();
}

/**
 * One task's state, read for free wherever kie offers a free read. A Get 4K item is read with
 * record-info of the 4K render's own task id when kie answered the request with one. Otherwise
 * the 4K request is repeated: kie answers a repeat with the 4K state at no charge, but only once a
 * 4K was requested (for a video without one the same request starts a paid render). So it is
 * repeated only for a 4K this execution's ledger shows it requested: nothing reached from the
 * webhook can become a first, paid 4K request.
 */
async function readState(
	ctx: IWebhookFunctions,
	config: ApiConfig,
	stored: StoredTask,
	context: IDataObject | undefined,
): Promise<VideoResult> {
	const task = withQuickRetries(stored.task as PreparedTask);
	const taskId = stored.taskId as string;
	if (task.readBack !== 'repeatFourKRequest')
		return await checkTask(ctx, config, task, taskId, undefined);
	if (stored.fourKTaskId) {
		const read = { ...task, readBack: 'recordInfo' as const };
		const result = await checkTask(ctx, config, read, stored.fourKTaskId, undefined);
		return {
			...result,
			taskId,
			fourKTaskId: stored.fourKTaskId,
			resolution: result.resolution ?? '4k',
		};
	}
	if (!ledgerHasTask(context, taskId))
		throw new TaskFailedError(
			taskId,
			null,
			'this execution has no record of requesting its 4K, so it was not asked again (that request can be paid); read it with Get 4K',
		);
	return await checkTask(ctx, config, task, taskId, undefined);
}

/**
 * kie waits 15 s for the answer and retries a callback that failed, so a read made while kie waits
 * gives up sooner than in poll mode: a 503 lets kie's own retry try again later.
 */
export function withQuickRetries(task: PreparedTask): PreparedTask {
	const { retry } = task.settings;
	return {
		...task,
		settings: {
			...task.settings,
			retry: {
				maxRetries: Math.min(retry.maxRetries, 2),
				baseDelayMs: Math.min(retry.baseDelayMs, 500),
				maxDelayMs: Math.min(retry.maxDelayMs, 2000),
				requestTimeoutMs: 4000,
			},
		},
	};
}
