import type {
	ExecutionError,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	IRunExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import { getApiConfig } from '../transport';
import { inspectCallback, respond, DEFAULT_TOLERANCE_SECONDS } from './callbackRequest';
import { mapSettled } from './concurrency';
import { TaskFailedError, toNodeError } from './errors';
import type { ApiConfig, VideoResult } from './interfaces';
import { collectOutcomes, continuesOnFail, errorDetails } from './items';
import { checkTask, submitTask, successItem, type PreparedTask, type SubmittedTask } from './tasks';

/**
 * "Wait for Callback": submit every item's task with callBackUrl = this execution's resume URL,
 * park the execution (no worker held), and let webhook() resume it once. n8n resumes a waiting
 * execution only once, and nothing webhook() writes survives a call that does not resume, so the
 * batch is kept in the node's context (saved with the waiting execution) and every callback asks
 * kie for the state of the batch's tasks: the execution continues when all of them are final.
 */
export const CALLBACK_BATCH_FIELD = 'veo3CallbackBatch';

/** Status reads run this many at a time, so even a large batch is checked well within kie's 15 s. */
const CHECK_LANES = 5;

interface StoredTask {
	itemIndex: number;
	taskId?: string;
	error?: IDataObject;
	task?: PreparedTask;
}

interface StoredBatch {
	version: 1;
	continueOnFail: boolean;
	toleranceSeconds: number;
	tasks: StoredTask[];
}

export async function submitAndPark(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	prepared: Array<PromiseSettledResult<PreparedTask>>,
): Promise<INodeExecutionData[][]> {
	const config = await getApiConfig(ctx);
	const signal = ctx.getExecutionCancelSignal();
	// Exactly the URL n8n gives, query string included: n8n 2.x checks its ?signature= token.
	const resumeUrl = String(ctx.getWorkflowDataProxy(0).$execution.resumeUrl);
	const submitted = await mapSettled(prepared, 5, async (p) => {
		if (p.status === 'rejected') throw p.reason;
		return await submitTask(ctx, config, p.value, signal, resumeUrl);
	});
	const outcomes = submitted.map((s) =>
		s.status === 'fulfilled'
			? ({ status: 'fulfilled', value: { json: { taskId: s.value.taskId } } } as PromiseSettledResult<INodeExecutionData>)
			: s,
	);
	// Throws here, before parking, when an item failed and the node does not continue on fail.
	const immediate = collectOutcomes(ctx, outcomes);
	const tasks: StoredTask[] = submitted.map((s, itemIndex) =>
		s.status === 'fulfilled'
			? { itemIndex, taskId: s.value.taskId, task: s.value.task }
			: { itemIndex, error: immediate[itemIndex].json },
	);
	const accepted = submitted.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
	// A 4K that kie had already made is answered at once ("generated successfully") and gets no
	// callback: when nothing is left to wait for, there is nothing to park for either.
	if (accepted.every((s) => s.finished)) {
		const results = new Map(accepted.map((s) => [s.taskId, s.finished as VideoResult]));
		return [buildOutput(ctx.getNode(), tasks, results, true).items];
	}

	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const batch: StoredBatch = {
		version: 1,
		continueOnFail: continuesOnFail(ctx),
		toleranceSeconds: Number(options.signatureToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS),
		tasks,
	};
	ctx.getContext('node')[CALLBACK_BATCH_FIELD] = batch as unknown as IDataObject;

	const maxWaitMs = (accepted[0] as SubmittedTask).task.settings.wait.maxWaitMs;
	markForTimeout(items, tasks, maxWaitMs);
	await ctx.putExecutionToWait(new Date(Date.now() + maxWaitMs));
	return [items];
}

/**
 * If no callback comes in time, n8n continues the execution by passing this node's input items
 * through unchanged (WorkflowExecute.handleWaitingState). Those are the item objects of this run's
 * entry on the execution stack, which n8n saves with the waiting execution, so marking them now
 * makes the timeout explicit downstream. Each item gets a new `json` object: the old one is shared
 * with the previous node's output (n8n copies items shallowly), and changing it would show the
 * marks in that node's output and in every other branch fed from it.
 */
function markForTimeout(items: INodeExecutionData[], tasks: StoredTask[], maxWaitMs: number): void {
	const minutes = Math.round((maxWaitMs / 60000) * 100) / 100;
	for (const stored of tasks) {
		const item = items[stored.itemIndex];
		const marks: IDataObject = stored.taskId
			? {
					taskId: stored.taskId,
					status: 'timeout',
					errorMessage: `No callback from kie.ai within ${minutes} minutes; the task may still finish. Check it with Get Details.`,
				}
			: (stored.error ?? {});
		item.json = { ...item.json, ...marks };
	}
}

function loadBatch(ctx: IWebhookFunctions): StoredBatch | undefined {
	const name = JSON.stringify(ctx.getNode().name);
	const field = JSON.stringify(CALLBACK_BATCH_FIELD);
	// webhook() has no getContext(); the expression proxy reads the waiting execution's node
	// context. Serialised inside the expression, because expression results may be stringified.
	const text = ctx.evaluateExpression(`{{ JSON.stringify($node[${name}].context[${field}] ?? null) }}`);
	if (typeof text !== 'string') return undefined;
	const batch = jsonParse<StoredBatch | null>(text.replace(/^=/, ''), { fallbackValue: null });
	return batch && batch.version === 1 && Array.isArray(batch.tasks) ? batch : undefined;
}

// Callbacks for one execution are handled one after the other in this process. kie may deliver a
// callback twice at the same moment; without this, both deliveries could find every task final
// and both resume the execution (n8n only refuses an execution that is already marked running).
const queues = new Map<string, Promise<void>>();
const resumedExecutions = new Set<string>();
const MAX_REMEMBERED_RESUMES = 1000;

async function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
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

function rememberResume(executionId: string): void {
	resumedExecutions.add(executionId);
	if (resumedExecutions.size > MAX_REMEMBERED_RESUMES) {
		resumedExecutions.delete(resumedExecutions.values().next().value as string);
	}
}

/**
 * The Veo3 node's webhook(): runs for every POST to this execution's resume URL. Refuses forged
 * or malformed callbacks (no resume), answers kie at once, and resumes only when all tasks are final.
 * It never throws: n8n does not fail an execution cleanly when a resuming webhook() throws (n8n
 * 1.x and 2.x run the following nodes with an empty item and drop the earlier nodes' data).
 */
export async function resumeFromCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const executionId = String(this.getExecutionId() ?? '');
	const handle = async (): Promise<IWebhookResponseData> => {
		try {
			return await handleCallback(this, executionId);
		} catch {
			// Answer kie with a retryable error; the execution stays waiting.
			respond(this, 503, { error: 'Could not check the tasks right now; retry later' });
			return { noWebhookResponse: true };
		}
	};
	return executionId ? await oneAtATime(executionId, handle) : await handle();
}

async function handleCallback(ctx: IWebhookFunctions, executionId: string): Promise<IWebhookResponseData> {
	const batch = loadBatch(ctx);
	if (!batch) {
		respond(ctx, 400, { error: 'This execution is not waiting for a Veo3 callback' });
		return { noWebhookResponse: true };
	}
	const inspected = await inspectCallback(ctx, batch.toleranceSeconds);
	if (!inspected.ok) {
		respond(ctx, inspected.status, { error: inspected.reason });
		return { noWebhookResponse: true };
	}
	const pending = batch.tasks.filter((t) => t.taskId && t.task);
	if (!pending.some((t) => t.taskId === inspected.taskId)) {
		respond(ctx, 400, { error: 'Unknown task ID for this execution' });
		return { noWebhookResponse: true };
	}
	if (resumedExecutions.has(executionId)) {
		respond(ctx, 200, { received: true, alreadyResumed: true });
		return { noWebhookResponse: true };
	}
	const results = await checkBatch(ctx, await getApiConfig(ctx), pending, inspected.taskId);
	if (!results) {
		respond(ctx, 200, { received: true, waiting: true });
		return { noWebhookResponse: true };
	}
	const outcome = buildOutput(ctx.getNode(), batch.tasks, results, batch.continueOnFail);
	if (executionId) rememberResume(executionId);
	if (outcome.failure) failResumedNode(ctx, outcome.failure);
	return { workflowData: [outcome.items] };
}

/**
 * kie's record is authoritative and the callback body is not signed (only the task id and time
 * are), so results always come from a status read, never from the body. The task that called back
 * is read first; if it is final, the others are read in windows of CHECK_LANES, stopping after a
 * window with an unfinished task. So the last callback of a batch re-checks every task (covering
 * callbacks kie lost), while an early one costs few reads. Returns undefined while any is unfinished.
 */
async function checkBatch(
	ctx: IWebhookFunctions,
	config: ApiConfig,
	pending: StoredTask[],
	calledBack: string,
): Promise<Map<string, VideoResult> | undefined> {
	const first = pending.find((t) => t.taskId === calledBack) as StoredTask;
	const rest = pending.filter((t) => t !== first);
	const results = new Map<string, VideoResult>();
	const read = async (stored: StoredTask) =>
		await checkTask(ctx, config, withQuickRetries(stored.task as PreparedTask), stored.taskId as string, undefined);
	const own = await read(first);
	if (own.status === 'generating') return undefined;
	results.set(calledBack, own);
	for (let start = 0; start < rest.length; start += CHECK_LANES) {
		const window = rest.slice(start, start + CHECK_LANES);
		const reads = await mapSettled(window, CHECK_LANES, read);
		for (const [position, settled] of reads.entries()) {
			if (settled.status === 'rejected') throw settled.reason;
			results.set(window[position].taskId as string, settled.value);
		}
		if (reads.some((r) => r.status === 'fulfilled' && r.value.status === 'generating')) return undefined;
	}
	return results;
}

/**
 * kie waits 15 s for the answer and retries a callback that failed, so a read made while kie waits
 * gives up sooner than in poll mode: a 503 lets kie's own retry try again later.
 */
function withQuickRetries(task: PreparedTask): PreparedTask {
	const { retry } = task.settings;
	return {
		...task,
		settings: { ...task.settings, retry: { maxRetries: Math.min(retry.maxRetries, 2), baseDelayMs: Math.min(retry.baseDelayMs, 500), maxDelayMs: Math.min(retry.maxDelayMs, 2000), requestTimeoutMs: 4000 } },
	};
}

function buildOutput(
	node: INode,
	tasks: StoredTask[],
	results: Map<string, VideoResult>,
	continueOnFail: boolean,
): { items: INodeExecutionData[]; failure?: ExecutionError } {
	const output: INodeExecutionData[] = [];
	let failure: ExecutionError | undefined;
	for (const stored of tasks) {
		const pairedItem = { item: stored.itemIndex };
		if (!stored.taskId || !stored.task) {
			output.push({ json: stored.error ?? { error: 'Task was not created' }, pairedItem });
			continue;
		}
		const result = results.get(stored.taskId) as VideoResult;
		if (result.status === 'success') {
			output.push(successItem(stored.task, result));
			continue;
		}
		const failed = new TaskFailedError(stored.taskId, result.errorCode, result.errorMessage);
		if (!continueOnFail) failure ??= toNodeError(node, failed, stored.itemIndex);
		output.push({ json: { error: failed.message, ...errorDetails(failed), ...stored.task.echo }, pairedItem });
	}
	return { items: output, failure };
}

/**
 * A failed render with "On Error: Stop Workflow" should end the execution as failed with kie's
 * reason, as the same failure does in poll mode. webhook() cannot fail the node through its API,
 * so this uses the engine's own way of resuming a waiting node with an error (n8n 2.x: the
 * `resumeError` of the waiting node's stack entry, which n8n uses for failed sub-workflows; the node
 * then fails, the following nodes do not run). Engines without it (n8n 1.x) ignore the field, and
 * the node outputs the explicit error items instead, as with "Continue On Fail".
 */
function failResumedNode(ctx: IWebhookFunctions, error: ExecutionError): void {
	const data = (ctx as unknown as { runExecutionData?: IRunExecutionData | null }).runExecutionData;
	const entry = data?.executionData?.nodeExecutionStack?.[0];
	if (!entry || entry.node.name !== ctx.getNode().name) return;
	entry.metadata = { ...entry.metadata, resumeError: error };
}
