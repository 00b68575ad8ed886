import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getApiConfig } from '../../kie/transport';
import {
	buildOutput,
	CALLBACK_BATCH_FIELD,
	type StoredBatch,
	type StoredTask,
	type TaskOutcome,
} from './callbackBatch';
import { DEFAULT_TOLERANCE_SECONDS } from '../../kie/callbacks/callbackRequest';
import { mapSettled } from '../../kie/base/concurrency';
import { collectOutcomes, continuesOnFail } from '../engine/items';
import { submitOnce } from './tasks';
import type { PreparedTask, SubmittedTask } from '../inputs/preparedTask';

/**
 * "Wait for Callback": submit every item's task with callBackUrl = this execution's resume URL,
 * park the execution (no worker held), and let webhook() resume it (callbackResume.ts). The batch
 * is kept in the node's context, which n8n saves with the waiting execution.
 */
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
		return await submitOnce(ctx, config, p.value, signal, resumeUrl);
	});
	const outcomes = submitted.map((s) =>
		s.status === 'fulfilled'
			? ({
					status: 'fulfilled',
					value: { json: { taskId: s.value.taskId } },
				} as PromiseSettledResult<INodeExecutionData>)
			: s,
	);
	const echoes = prepared.map((p) => (p.status === 'fulfilled' ? p.value.echo : {}));
	// Throws here, before parking, when an item failed and the node does not continue on fail.
	const immediate = collectOutcomes(ctx, outcomes, undefined, echoes);
	const tasks: StoredTask[] = submitted.map((s, itemIndex) =>
		s.status === 'fulfilled'
			? {
					itemIndex,
					taskId: s.value.taskId,
					task: s.value.task,
					fourKTaskId: (s.value as SubmittedTask).fourKTaskId,
				}
			: { itemIndex, error: immediate[itemIndex].json },
	);
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const batch: StoredBatch = {
		version: 1,
		batchId: randomUUID(),
		continueOnFail: continuesOnFail(ctx),
		toleranceSeconds: Number(options.signatureToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS),
		tasks,
	};
	const accepted = submitted.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
	// A 4K that kie had already made is answered at once ("generated successfully") and gets no
	// callback: when nothing is left to wait for, there is nothing to park for either.
	if (accepted.every((s) => s.finished)) {
		const results = new Map<string, TaskOutcome>(
			accepted.map((s) => [s.taskId, { ok: true, result: s.finished! }]),
		);
		return [buildOutput(ctx, { ...batch, continueOnFail: true }, results).items];
	}
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
 * makes the timeout explicit downstream, and puts every task ID into the saved execution (a stop
 * while parked keeps them). Each item gets a new `json` object: the old one is shared with the
 * previous node's output (n8n copies items shallowly).
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
