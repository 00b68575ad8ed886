import type { ExecutionError, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { TaskFailedError } from '../../kie/errors/errors';
import { toNodeError } from '../../kie/errors/toNodeError';
import type { VideoResult } from '../../kie/base/interfaces';
import { failedItem, otherTasksText, type NodeContext, type TaskLine } from '../engine/items';
import { successItem } from './tasks';
import type { PreparedTask } from '../inputs/preparedTask';

/**
 * What "Wait for Callback" keeps while the execution is parked: the node's context is saved with
 * the waiting execution, and every callback reads it back (nothing a non-resuming webhook call
 * writes survives, so the batch itself never changes after parking).
 */
export const CALLBACK_BATCH_FIELD = 'veo3CallbackBatch';

export interface StoredTask {
	itemIndex: number;
	taskId?: string;
	/** The item's output when it failed before a task existed. */
	error?: IDataObject;
	task?: PreparedTask;
	/** Get 4K: the render's own task id at kie, when it has one (its callback names it). */
	fourKTaskId?: string;
}

export interface StoredBatch {
	version: 1;
	/** Names this park: a loop or a chain parks the same execution many times. */
	batchId: string;
	continueOnFail: boolean;
	toleranceSeconds: number;
	tasks: StoredTask[];
}

/** What a status read established for one task: a final state, or an error that will not go away. */
export type TaskOutcome = { ok: true; result: VideoResult } | { ok: false; error: unknown };

export function isStoredBatch(value: unknown): value is StoredBatch {
	const batch = value as StoredBatch | undefined;
	return batch?.version === 1 && typeof batch.batchId === 'string' && Array.isArray(batch.tasks);
}

function lineOf(stored: StoredTask, outcome: TaskOutcome | undefined): TaskLine[] {
	if (!stored.taskId) return [];
	if (!outcome)
		return [{ itemIndex: stored.itemIndex, taskId: stored.taskId, status: 'still rendering' }];
	if (outcome.ok && outcome.result.status === 'success')
		return [{ itemIndex: stored.itemIndex, taskId: stored.taskId }];
	return [{ itemIndex: stored.itemIndex, taskId: stored.taskId, status: 'failed' }];
}

/**
 * The resumed node's output: one item per input item, in order, paired. Without "continue on fail"
 * the first failure becomes the node's error, naming every other item's task.
 */
export function buildOutput(
	ctx: NodeContext,
	batch: StoredBatch,
	outcomes: Map<string, TaskOutcome>,
): { items: INodeExecutionData[]; failure?: ExecutionError } {
	const output: INodeExecutionData[] = [];
	let failure: ExecutionError | undefined;
	const lines = batch.tasks.flatMap((t) =>
		lineOf(t, t.taskId ? outcomes.get(t.taskId) : undefined),
	);
	for (const stored of batch.tasks) {
		const pairedItem = { item: stored.itemIndex };
		if (!stored.taskId || !stored.task) {
			output.push({ json: stored.error ?? { error: 'Task was not created' }, pairedItem });
			continue;
		}
		const outcome = outcomes.get(stored.taskId);
		if (!outcome) {
			output.push({
				json: { taskId: stored.taskId, status: 'generating', ...stored.task.echo },
				pairedItem,
			});
			continue;
		}
		if (outcome.ok && outcome.result.status === 'success') {
			output.push(successItem(stored.task, outcome.result));
			continue;
		}
		const cause = outcome.ok
			? new TaskFailedError(stored.taskId, outcome.result.errorCode, outcome.result.errorMessage)
			: outcome.error;
		if (!batch.continueOnFail && !failure) {
			const error = toNodeError(ctx.getNode(), cause, stored.itemIndex);
			const others = otherTasksText(lines, stored.itemIndex);
			if (others) error.description = `${error.description ?? ''}\n${others}`.trim();
			failure = error;
		}
		output.push(
			failedItem(ctx, cause, stored.itemIndex, {
				taskId: stored.taskId,
				status: 'failed',
				...stored.task.echo,
			}),
		);
	}
	return { items: output, failure };
}
