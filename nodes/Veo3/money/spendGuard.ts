import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import { ENDPOINTS, kieRequest } from '../../kie/transport';
import type { ApiConfig } from '../../kie/base/interfaces';
import { readRetryPolicy } from '../inputs/settings';
import type { PreparedTask } from '../inputs/preparedTask';
import { ParameterError, SpendRefusedError } from '../../kie/errors/errors';

/**
 * The spending guards that run once per node run, before the first paid create: the cap per
 * execution and the balance check. Both send nothing when they refuse.
 */
type BalanceCheck = 'batches' | 'always' | 'never';
const BALANCE_CHECKS: readonly BalanceCheck[] = ['batches', 'always', 'never'];

/** Node-context field: credits this node has asked for in this execution, per run and item. */
const SPENT_FIELD = 'veo3CreditsSpent';

interface SpendDefaults {
	/** Cap used when "Max Credits per Execution" is empty (the AI-agent tool default). */
	defaultMaxCredits?: number;
}

/** "Max Credits per Execution": empty means no cap (or the caller's default). */
function readMaxCredits(
	node: INode,
	options: IDataObject,
	defaults: SpendDefaults,
): number | undefined {
	const value = options.maxCreditsPerExecution;
	if (value === undefined || value === null || value === '') return defaults.defaultMaxCredits;
	const n = typeof value === 'string' ? Number(value.trim()) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
		throw new ParameterError(
			node,
			'Max Credits per Execution',
			`${JSON.stringify(value)} is not a number of credits`,
			'empty (no cap) or a number of 0 or more',
			0,
		);
	}
	return n;
}

function readBalanceCheck(node: INode, options: IDataObject): BalanceCheck {
	const value = options.checkBalanceFirst ?? 'batches';
	if (typeof value === 'string' && (BALANCE_CHECKS as readonly string[]).includes(value))
		return value as BalanceCheck;
	throw new ParameterError(
		node,
		'Check Balance First',
		`${JSON.stringify(value)} is not supported`,
		BALANCE_CHECKS.join(', '),
		0,
	);
}

/** How many items, in order, a balance pays for. */
export function itemsCovered(balance: number, prices: number[]): number {
	let left = balance;
	let covered = 0;
	for (const price of prices) {
		if (price > left) break;
		left -= price;
		covered++;
	}
	return covered;
}

/**
 * Checks the batch's paid creates against the cap and the balance, then books them as spent in
 * this execution. Spending is booked per run index and item: a loop's later rounds are new runs
 * and add up, while n8n's Retry On Fail repeats the same run and is not counted twice.
 */
export async function guardSpend(
	ctx: IExecuteFunctions,
	config: ApiConfig,
	creates: PreparedTask[],
	defaults: SpendDefaults = {},
): Promise<void> {
	if (creates.length === 0) return;
	const node = ctx.getNode();
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const maxCredits = readMaxCredits(node, options, defaults);
	const balanceCheck = readBalanceCheck(node, options);
	const context = ctx.getContext('node');
	const spent = { ...((context[SPENT_FIELD] as Record<string, number> | undefined) ?? {}) };
	// $runIndex: which run of this node in the execution (a loop round); the same across Retry On Fail tries.
	const runIndex = Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0);
	const booking = (task: PreparedTask) => `${runIndex}:${task.itemIndex}`;
	const fresh = creates.filter((task) => spent[booking(task)] === undefined);
	// A multi-scene video is one entry standing for all its paid creates: each is judged here.
	const prices = fresh.flatMap((task) => task.requestPrices ?? [task.estimatedCredits]);
	const estimatedCredits = prices.reduce((sum, price) => sum + price, 0);
	const spentBefore = Object.values(spent).reduce((sum, credits) => sum + credits, 0);
	const itemCount = prices.length;

	if (maxCredits !== undefined && spentBefore + estimatedCredits > maxCredits) {
		throw new SpendRefusedError(node, {
			reason: 'cap',
			estimatedCredits,
			itemCount,
			maxCredits,
			spentBefore,
		});
	}
	if (
		itemCount > 0 &&
		(balanceCheck === 'always' || (balanceCheck === 'batches' && itemCount > 1))
	) {
		const balance = Number(
			await kieRequest<number>(ctx, config, {
				method: 'GET',
				endpoint: ENDPOINTS.credit,
				resend: 'safe',
				retry: readRetryPolicy(ctx, 0),
				signal: ctx.getExecutionCancelSignal(),
			}),
		);
		if (Number.isFinite(balance) && balance < estimatedCredits) {
			throw new SpendRefusedError(node, {
				reason: 'balance',
				estimatedCredits,
				itemCount,
				balance,
				coveredItems: itemsCovered(balance, prices),
			});
		}
	}
	for (const task of fresh) spent[booking(task)] = task.estimatedCredits;
	context[SPENT_FIELD] = spent;
}
