import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { DownloadError } from './binary';
import { runsAsTool } from './agentTool';
import { KieApiError, TaskFailedError, toNodeError, WaitTimeoutError } from './errors';
import { throwIfCancelled } from './pause';

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
		return { taskId: error.taskId, status: 'failed', errorCode: error.errorCode, errorMessage: error.errorMessage };
	}
	if (error instanceof WaitTimeoutError) return { taskId: error.taskId, status: 'timeout' };
	if (error instanceof DownloadError) return { taskId: error.taskId ?? null, status: 'success', videoUrl: error.url };
	if (error instanceof KieApiError) return { errorCode: error.code };
	return {};
}

function taskIdOf(outcome: PromiseSettledResult<INodeExecutionData>): string | undefined {
	const taskId = outcome.status === 'fulfilled' ? outcome.value.json.taskId : errorDetails(outcome.reason).taskId;
	return typeof taskId === 'string' && taskId !== '' ? taskId : undefined;
}

function statusOf(error: unknown): string {
	if (error instanceof DownloadError) return 'finished, download failed';
	return String(errorDetails(error).status ?? 'failed');
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
		const error = toNodeError(ctx.getNode(), outcome.reason, itemIndex);
		if (!continueOnFail) {
			// Every other item's task, finished or not: a timed-out task is still running (and paid).
			const others = outcomes
				.map((o, p) => {
					if (p === position) return null;
					const taskId = taskIdOf(o);
					if (taskId === undefined) return null;
					return o.status === 'fulfilled' ? `item ${itemIndexes[p]}: ${taskId}` : `item ${itemIndexes[p]}: ${taskId} (${statusOf(o.reason)})`;
				})
				.filter((line): line is string => line !== null);
			if (others.length > 0) {
				error.description = `${error.description ?? ''}\nTasks created for other items: ${others.join(', ')}`.trim();
			}
			throw error;
		}
		output.push({
			json: { error: error.message, description: error.description ?? null, ...errorDetails(outcome.reason) },
			pairedItem: { item: itemIndex },
		});
	});
	return output;
}
