import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import { getApiConfig } from '../transport';
import { inspectCallback, respond, DEFAULT_TOLERANCE_SECONDS } from './callbackRequest';
import { mapSettled } from './concurrency';
import { TaskFailedError, toNodeError } from './errors';
import type { VideoResult } from './interfaces';
import { collectOutcomes, continuesOnFail, errorDetails } from './items';
import { checkTask, submitTask, successItem, type PreparedTask } from './tasks';

/**
 * "Wait for Callback": submit every item's task with callBackUrl = this execution's resume URL,
 * park the execution (no worker held), and let webhook() resume it once. n8n resumes a waiting
 * execution only once, and nothing webhook() writes survives a call that does not resume, so the
 * batch is kept in the node's context (saved with the waiting execution) and every callback asks
 * kie for the state of the batch's tasks: the execution continues when all of them are final.
 */
export const CALLBACK_BATCH_FIELD = 'veo3CallbackBatch';

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
	if (!tasks.some((t) => t.taskId)) return [immediate];

	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const batch: StoredBatch = {
		version: 1,
		continueOnFail: continuesOnFail(ctx),
		toleranceSeconds: Number(options.signatureToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS),
		tasks,
	};
	ctx.getContext('node')[CALLBACK_BATCH_FIELD] = batch as unknown as IDataObject;

	// If no callback comes in time, n8n resumes the execution by passing this node's input through
	// unchanged. Marking the input items now makes that outcome explicit downstream.
	const maxWaitMs = (tasks.find((t) => t.task)?.task as PreparedTask).settings.wait.maxWaitMs;
	for (const stored of tasks) {
		const item = items[stored.itemIndex];
		if (stored.taskId) {
			Object.assign(item.json, {
				taskId: stored.taskId,
				status: 'timeout',
				errorMessage: `No callback from kie.ai within ${Math.round(maxWaitMs / 60000)} minutes; the task may still finish. Check it with Get Details.`,
			});
		} else {
			Object.assign(item.json, stored.error);
		}
	}
	await ctx.putExecutionToWait(new Date(Date.now() + maxWaitMs));
	return [items];
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

/**
 * The Veo3 node's webhook(): runs for every POST to this execution's resume URL. Refuses forged
 * or malformed callbacks (no resume), answers kie at once, and resumes only when all tasks are final.
 * It never throws for a bad request: a throw would resume the execution as failed.
 */
export async function resumeFromCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	let outcome: { items: INodeExecutionData[]; failure?: Error } | undefined;
	try {
		outcome = await handleCallback(this);
	} catch {
		// Answer kie with a retryable error; the execution stays waiting.
		respond(this, 503, { error: 'Could not check the tasks right now; retry later' });
		return { noWebhookResponse: true };
	}
	if (!outcome) return { noWebhookResponse: true };
	// A failed render with "On Error: Stop": throwing here resumes the execution as failed, with
	// kie's reason, which is what the same failure does in poll mode.
	if (outcome.failure) throw outcome.failure;
	return { workflowData: [outcome.items] };
}

/** Returns the output when the batch is complete, or undefined after answering the request itself. */
async function handleCallback(ctx: IWebhookFunctions): Promise<{ items: INodeExecutionData[]; failure?: Error } | undefined> {
	const batch = loadBatch(ctx);
	if (!batch) {
		respond(ctx, 400, { error: 'This execution is not waiting for a Veo3 callback' });
		return undefined;
	}
	const inspected = await inspectCallback(ctx, batch.toleranceSeconds);
	if (!inspected.ok) {
		respond(ctx, inspected.status, { error: inspected.reason });
		return undefined;
	}
	const pending = batch.tasks.filter((t) => t.taskId && t.task);
	if (!pending.some((t) => t.taskId === inspected.taskId)) {
		respond(ctx, 400, { error: 'Unknown task ID for this execution' });
		return undefined;
	}
	const config = await getApiConfig(ctx);
	// kie's record is authoritative and the body is not signed: results come from a status read.
	// Start with the task that called back and stop at the first unfinished one, so the early
	// callbacks of a batch cost few reads.
	const results = new Map<string, VideoResult>();
	const ordered = [...pending].sort((a, b) => Number(b.taskId === inspected.taskId) - Number(a.taskId === inspected.taskId));
	for (const stored of ordered) {
		const result = await checkTask(ctx, config, stored.task as PreparedTask, stored.taskId as string, undefined);
		if (result.status === 'generating') {
			respond(ctx, 200, { received: true, waitingFor: pending.length - results.size });
			return undefined;
		}
		results.set(stored.taskId as string, result);
	}
	return buildOutput(ctx, batch, results);
}

function buildOutput(
	ctx: IWebhookFunctions,
	batch: StoredBatch,
	results: Map<string, VideoResult>,
): { items: INodeExecutionData[]; failure?: Error } {
	const output: INodeExecutionData[] = [];
	for (const stored of batch.tasks) {
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
		const failure = new TaskFailedError(stored.taskId, result.errorCode, result.errorMessage);
		if (!batch.continueOnFail) return { items: [], failure: toNodeError(ctx.getNode(), failure, stored.itemIndex) };
		output.push({ json: { error: failure.message, ...errorDetails(failure), ...stored.task.echo }, pairedItem });
	}
	return { items: output };
}
