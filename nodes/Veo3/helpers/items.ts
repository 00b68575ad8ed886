import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { DownloadError } from './binary';
import { KieApiError, TaskFailedError, toNodeError, WaitTimeoutError } from './errors';

/** Whether the user chose to keep going when an item fails (Settings > On Error). */
export function continuesOnFail(ctx: IExecuteFunctions): boolean {
	return ctx.continueOnFail();
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
			const others = outcomes
				.map((o, p) => (o.status === 'fulfilled' && typeof o.value.json.taskId === 'string' ? `item ${itemIndexes[p]}: ${o.value.json.taskId}` : null))
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
