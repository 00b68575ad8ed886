import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	DownloadError,
	KieApiError,
	TaskFailedError,
	WaitTimeoutError,
} from '../../kie/errors/errors';
import { runsAsTool } from './agentTool';
import { toNodeError } from '../../kie/errors/toNodeError';
import { errorOutputTakesDetails } from './engineInternals';
import { throwIfCancelled } from '../../kie/base/pause';

/** What a failed item needs of n8n's context: the node, and which engine runs it. */
export type NodeContext = Pick<IExecuteFunctions, 'getNode'>;

/**
 * Whether a failed item becomes an error item instead of failing the node: when the user chose to
 * keep going (Settings > On Error), and always for an agent's tool call, whose model gets the
 * failure (with its task ID) as an answer it can act on.
 */
export function continuesOnFail(ctx: IExecuteFunctions): boolean {
	return ctx.continueOnFail() || runsAsTool(ctx);
}

/** Fields that let a failed item be found again: its task, its state, kie's reason. */
export function errorDetails(error: unknown): IDataObject {
	if (error instanceof TaskFailedError) {
		return {
			taskId: error.taskId,
			status: 'failed',
			errorCode: error.errorCode,
			errorMessage: error.errorMessage,
		};
	}
	if (error instanceof WaitTimeoutError) return { taskId: error.taskId, status: 'timeout' };
	if (error instanceof DownloadError)
		return { taskId: error.taskId ?? null, status: 'success', videoUrl: error.url };
	if (error instanceof KieApiError) return { errorCode: error.code };
	return {};
}

function taskIdOf(outcome: PromiseSettledResult<INodeExecutionData>): string | undefined {
	const taskId =
		outcome.status === 'fulfilled'
			? outcome.value.json.taskId
			: errorDetails(outcome.reason).taskId;
	return typeof taskId === 'string' && taskId !== '' ? taskId : undefined;
}

function statusOf(error: unknown): string {
	if (error instanceof DownloadError) return 'finished, download failed';
	return String(errorDetails(error).status ?? 'failed');
}

/** One paid task of the batch, for the list a failing node gives so no task is lost. */
export interface TaskLine {
	itemIndex: number;
	taskId: string;
	/** Omitted for a finished video. */
	status?: string;
}

/** "Tasks created for other items: item 0: <id>, item 2: <id> (failed)", or nothing when there are none. */
export function otherTasksText(lines: TaskLine[], except: number): string | undefined {
	const others = lines
		.filter((line) => line.itemIndex !== except)
		.map(
			(line) => `item ${line.itemIndex}: ${line.taskId}${line.status ? ` (${line.status})` : ''}`,
		);
	return others.length > 0 ? `Tasks created for other items: ${others.join(', ')}` : undefined;
}

/**
 * The item a failure becomes when the node continues on fail. With "Continue (using error output)"
 * it has a shape n8n's engine routes to the error output: `{ error, details }` (as n8n's HTTP Request
 * node) where the engine accepts it, else `{ error, message }` with the details in the message's
 * text; n8n then adds the input item's fields. With "Continue (regular output)" the same fields sit
 * at the top level, so a downstream filter on `status` works.
 */
export function failedItem(
	ctx: NodeContext,
	cause: unknown,
	itemIndex: number,
	extra: IDataObject = {},
): INodeExecutionData {
	const node = ctx.getNode();
	const error = toNodeError(node, cause, itemIndex);
	const details: IDataObject = {
		description: error.description ?? null,
		...errorDetails(cause),
		...extra,
	};
	if (node.onError !== 'continueErrorOutput')
		return { json: { error: error.message, ...details }, pairedItem: { item: itemIndex } };
	if (errorOutputTakesDetails(ctx))
		return { json: { error: error.message, details }, pairedItem: { item: itemIndex } };
	return {
		json: { error: error.message, message: detailsText(details) },
		pairedItem: { item: itemIndex },
	};
}

/** "taskId: …; status: failed; errorCode: 501; …": every detail that has a value, in one line. */
function detailsText(details: IDataObject): string {
	return Object.entries(details)
		.filter(([, value]) => value !== null && value !== undefined && value !== '')
		.map(
			([key, value]) =>
				`${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
		)
		.join('; ');
}

/**
 * Turns per-item outcomes into the node's output: every input item yields exactly one output item,
 * paired with it. A failure becomes an error item when the node continues on fail; otherwise the
 * first failure stops the node, naming the other items' task IDs so no paid task is lost.
 */
export function collectOutcomes(
	ctx: IExecuteFunctions,
	outcomes: Array<PromiseSettledResult<INodeExecutionData>>,
	itemIndexes: number[] = outcomes.map((_, i) => i),
	echoes: IDataObject[] = [],
): INodeExecutionData[] {
	// A stopped execution has no per-item results: whatever failed failed because of the stop.
	throwIfCancelled(ctx.getExecutionCancelSignal());
	const output: INodeExecutionData[] = [];
	const continueOnFail = continuesOnFail(ctx);
	outcomes.forEach((outcome, position) => {
		const itemIndex = itemIndexes[position];
		if (outcome.status === 'fulfilled') {
			output.push({ ...outcome.value, pairedItem: { item: itemIndex } });
			return;
		}
		if (continueOnFail) {
			output.push(failedItem(ctx, outcome.reason, itemIndex, echoes[position]));
			return;
		}
		const error = toNodeError(ctx.getNode(), outcome.reason, itemIndex);
		// Every other item's task, finished or not: a timed-out task is still running (and paid).
		const lines = outcomes.flatMap((o, p): TaskLine[] => {
			const taskId = taskIdOf(o);
			if (taskId === undefined) return [];
			return [
				{
					itemIndex: itemIndexes[p],
					taskId,
					status: o.status === 'fulfilled' ? undefined : statusOf(o.reason),
				},
			];
		});
		const others = otherTasksText(lines, itemIndex);
		if (others) error.description = `${error.description ?? ''}\n${others}`.trim();
		throw error;
	});
	return output;
}
