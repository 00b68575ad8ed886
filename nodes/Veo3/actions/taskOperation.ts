import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { submitAndPark } from '../helpers/callbackPark';
import { mapSettled } from '../helpers/concurrency';
import { toNodeError } from '../helpers/errors';
import { collectOutcomes, continuesOnFail } from '../helpers/items';
import { throwIfCancelled } from '../helpers/pause';
import { runTasks, type PreparedTask, type WaitMode } from '../helpers/tasks';
import { getApiConfig } from '../transport';

export type PrepareTask = (
	this: IExecuteFunctions,
	itemIndex: number,
	item: INodeExecutionData,
	waitMode: WaitMode,
) => Promise<PreparedTask>;

/**
 * Shared flow of the operations that create a paid task (Generate, Extend, Get 4K): check every
 * item's parameters first (nothing is sent for an invalid item), then submit and wait according to
 * the Wait Mode, which applies to the whole batch (read from the first item, like n8n's own
 * wait-for-completion operations).
 */
export async function executeTaskOperation(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	prepare: PrepareTask,
): Promise<INodeExecutionData[][]> {
	const waitMode = ctx.getNodeParameter('waitMode', 0, 'poll') as WaitMode;
	// Sequential: preparation may upload images, and it must finish checking an item before
	// anything is sent for it.
	const prepared = await mapSettled(items, 1, async (item, itemIndex) => await prepare.call(ctx, itemIndex, item, waitMode));
	throwIfCancelled(ctx.getExecutionCancelSignal());
	// Without "continue on fail" the node fails on an invalid item anyway: fail before any paid task
	// is created for the valid ones, so a typo in one row never costs credits for the others.
	const invalid = prepared.findIndex((p) => p.status === 'rejected');
	if (invalid !== -1 && !continuesOnFail(ctx)) {
		throw toNodeError(ctx.getNode(), (prepared[invalid] as PromiseRejectedResult).reason, invalid);
	}
	if (waitMode === 'callback') return await submitAndPark(ctx, items, prepared);

	const config = await getApiConfig(ctx);
	const ready = prepared.flatMap((p) => (p.status === 'fulfilled' ? [p.value] : []));
	const ran = await runTasks(ctx, config, ready, waitMode === 'none' ? 'none' : 'poll');
	const byItem = new Map(ready.map((task, position) => [task.itemIndex, ran[position]]));
	const outcomes = prepared.map((p, itemIndex) => (p.status === 'rejected' ? p : (byItem.get(itemIndex) as PromiseSettledResult<INodeExecutionData>)));
	const echoes = prepared.map((p) => (p.status === 'fulfilled' ? p.value.echo : {}));
	return [collectOutcomes(ctx, outcomes, undefined, echoes)];
}

/** Shared flow of the read-only operations: each item independently, a few at a time, in order. */
export async function executePerItem(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	run: (itemIndex: number) => Promise<INodeExecutionData>,
): Promise<INodeExecutionData[][]> {
	const outcomes = await mapSettled(items, 5, async (_item, itemIndex) => await run(itemIndex));
	return [collectOutcomes(ctx, outcomes)];
}
