import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { mapSettled } from '../../kie/base/concurrency';
import type { ApiConfig, RetryPolicy } from '../../kie/base/interfaces';
import { getApiConfig, kieRequest, type KieRequest } from '../../kie/transport';
import { collectOutcomes } from '../engine/items';
import { readRetryPolicy } from '../inputs/settings';
import { requireTaskId } from '../inputs/validation';

/** What the per-item step of a read-only operation is handed. */
export interface ReadItem {
	itemIndex: number;
	node: INode;
	config: ApiConfig;
	signal: AbortSignal | undefined;
	/** The item's retry policy, read on first use: a bad tuning value fails the item where the operation asks for it. */
	retry(): RetryPolicy;
	/** The item's Task ID parameter, checked. */
	taskId(): string;
	/** A request kie charges nothing for, so it is resent freely, with the item's retry policy and the execution's cancel signal. */
	request<T>(request: Omit<KieRequest, 'resend' | 'retry' | 'signal'>): Promise<T>;
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

/**
 * executePerItem with what every read-only operation needs first: the credential's API settings
 * (read once, before any item), the cancel signal, and per item the node, its retry policy and its
 * Task ID. `run` says only what is specific to the operation.
 */
export async function executeReadOperation(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	run: (item: ReadItem) => Promise<INodeExecutionData>,
): Promise<INodeExecutionData[][]> {
	const config = await getApiConfig(ctx);
	const signal = ctx.getExecutionCancelSignal();
	return await executePerItem(ctx, items, async (itemIndex) => {
		let retry: RetryPolicy | undefined;
		const item: ReadItem = {
			itemIndex,
			node: ctx.getNode(),
			config,
			signal,
			retry: () => (retry ??= readRetryPolicy(ctx, itemIndex)),
			taskId: () => requireTaskId(item.node, ctx.getNodeParameter('taskId', itemIndex), itemIndex),
			request: async <T>(request: Omit<KieRequest, 'resend' | 'retry' | 'signal'>) =>
				await kieRequest<T>(ctx, config, {
					...request,
					resend: 'safe',
					retry: item.retry(),
					signal,
				}),
		};
		return await run(item);
	});
}
