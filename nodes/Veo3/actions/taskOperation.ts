import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	asToolTask,
	runsAsTool,
	TOOL_DEFAULT_MAX_CREDITS,
	toolWaitMode,
} from '../engine/agentTool';
import { submitAndPark } from '../tasks/callbackPark';
import { mapSettled } from '../../kie/base/concurrency';
import { toNodeError } from '../../kie/errors/toNodeError';
import { collectOutcomes, continuesOnFail } from '../engine/items';
import { throwIfCancelled } from '../../kie/base/pause';
import { followerOutcome, planReuse } from '../money/reuse';
import { guardSpend } from '../money/spendGuard';
import type { ApiConfig } from '../../kie/base/interfaces';
import { runTasks } from '../tasks/tasks';
import type { PreparedTask, WaitMode } from '../inputs/preparedTask';
import { getApiConfig } from '../../kie/transport';
import { settle } from '../../kie/base/settle';
import { apiIsLocal, requireReachableCallback } from '../inputs/callbackReach';

type PrepareTask = (
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
	const waitMode = toolWaitMode(ctx, ctx.getNodeParameter('waitMode', 0, 'poll') as WaitMode);
	// Read once, reported below in its usual place (after the items' own errors) if it fails.
	const credential = await settle(async () => await getApiConfig(ctx));
	// A callback to a local URL can never arrive from kie.ai, unless kie's side is local too.
	const checkReach = credential.ok && !apiIsLocal(credential.value);
	// Sequential: preparation may upload images, and it must finish checking an item before
	// anything is sent for it.
	const prepared = await mapSettled(items, 1, async (item, itemIndex) => {
		if (checkReach) requireReachableCallback(ctx, itemIndex, waitMode);
		return asToolTask(ctx, await prepare.call(ctx, itemIndex, item, waitMode));
	});
	throwIfCancelled(ctx.getExecutionCancelSignal());
	// Without "continue on fail" the node fails on an invalid item anyway: fail before any paid task
	// is created for the valid ones, so a typo in one row never costs credits for the others.
	const invalid = prepared.findIndex((p) => p.status === 'rejected');
	if (invalid !== -1 && !continuesOnFail(ctx)) {
		throw toNodeError(ctx.getNode(), (prepared[invalid] as PromiseRejectedResult).reason, invalid);
	}
	if (!credential.ok) throw credential.error;
	const config = credential.value;
	const spend = await planSpend(ctx, config, prepared);
	try {
		return await createAndCollect(ctx, items, config, spend, waitMode);
	} finally {
		// Creates are over (sent, refused or never sent): other executions may go on with these keys.
		spend.plan.release();
	}
}

async function createAndCollect(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	config: ApiConfig,
	spend: Awaited<ReturnType<typeof planSpend>>,
	waitMode: WaitMode,
): Promise<INodeExecutionData[][]> {
	if (waitMode === 'callback' && !spend.reuses)
		return await submitAndPark(ctx, items, spend.prepared);

	// Reused tasks call back to the execution that created them, so a batch that reuses one is
	// waited for by polling.
	const ready = spend.prepared.flatMap((p, itemIndex) =>
		p.status === 'fulfilled' && !spend.plan.followers.has(itemIndex) ? [p.value] : [],
	);
	const ran = await runTasks(ctx, config, ready, waitMode === 'none' ? 'none' : 'poll');
	const byItem = new Map(ready.map((task, position) => [task.itemIndex, ran[position]]));
	const outcomes = spend.prepared.map((p, itemIndex) => {
		if (p.status === 'rejected') return p;
		const leader = spend.plan.followers.get(itemIndex);
		const own = byItem.get(leader ?? itemIndex) as PromiseSettledResult<INodeExecutionData>;
		return leader === undefined ? own : followerOutcome(own, p.value);
	});
	const echoes = spend.prepared.map((p) => (p.status === 'fulfilled' ? p.value.echo : {}));
	return [collectOutcomes(ctx, outcomes, undefined, echoes)];
}

/**
 * Spending control, before the first paid create: estimates on every item, reuse of remembered
 * tasks ("Deduplicate By"), then the cap and balance checks on what will really be created.
 */
async function planSpend(
	ctx: IExecuteFunctions,
	config: ApiConfig,
	prepared: Array<PromiseSettledResult<PreparedTask>>,
) {
	for (const p of prepared) {
		if (p.status === 'fulfilled')
			p.value.echo = { ...p.value.echo, estimatedCredits: p.value.estimatedCredits };
	}
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const planned = await planReuse(ctx, config, operation, prepared);
	const unreadable = planned.prepared.findIndex((p) => p.status === 'rejected');
	if (unreadable !== -1 && !continuesOnFail(ctx)) {
		planned.plan.release();
		throw toNodeError(
			ctx.getNode(),
			(planned.prepared[unreadable] as PromiseRejectedResult).reason,
			unreadable,
		);
	}
	const creates = planned.prepared.flatMap((p, itemIndex) =>
		p.status === 'fulfilled' && !p.value.existing && !planned.plan.followers.has(itemIndex)
			? [p.value]
			: [],
	);
	let guarded = false;
	try {
		// An agent's tool calls get a cap even when the user set none: a looping agent must not drain the account.
		await guardSpend(
			ctx,
			config,
			creates,
			runsAsTool(ctx) ? { defaultMaxCredits: TOOL_DEFAULT_MAX_CREDITS } : {},
		);
		guarded = true;
	} finally {
		// Refused: nothing of this run will be created.
		if (!guarded) planned.plan.release();
	}
	return { ...planned, reuses: planned.plan.reused.size > 0 || planned.plan.followers.size > 0 };
}
