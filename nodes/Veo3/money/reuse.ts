import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { KieApiError, ParameterError } from '../../kie/errors/errors';
import type { ApiConfig } from '../../kie/base/interfaces';
import { hashKey, ReuseMemory } from './reuseMemory';
import { settle } from '../../kie/base/settle';
import { checkTask } from '../../kie/records/readTask';
import type { PreparedTask } from '../inputs/preparedTask';

/**
 * "Deduplicate By": before anything is paid, each item whose key was seen within the Reuse
 * Window gets the task created for it then (its state read once, free), and an item whose key
 * appeared earlier in the same batch follows that item. A task that failed is forgotten and
 * created again.
 */
const DAY_MS = 24 * 60 * 60 * 1000;
/** kie keeps generated files and task records for 14 days: a task older than that cannot be reused. */
const MAX_REUSE_DAYS = 14;

interface ReusePlan {
	/** Items answered by an earlier task, by item index (no create). */
	reused: Set<number>;
	/** Items whose key an earlier item of the batch already has: follower → leader item index. */
	followers: Map<number, number>;
	/**
	 * Lets other executions of this process go on with the keys this run claimed and did not create
	 * (call it once the run's creates are over, whatever happened).
	 */
	release: () => void;
}

/**
 * On every item that creates a task under a key: executions of one n8n process wait for each
 * other's create of the same key, but n8n gives nodes no lock across processes.
 */
export const CONCURRENT_CREATE_NOTICE =
	'Deduplicate By is checked within this n8n process: an execution with the same key running at the same time in another process (a queue-mode worker) may also have created, and paid for, a task';

function readKey(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
	return text.trim() === '' ? undefined : text.trim();
}

function readWindowMs(ctx: IExecuteFunctions): number {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const value = options.reuseWindowDays ?? MAX_REUSE_DAYS;
	const days = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0 || days > MAX_REUSE_DAYS) {
		throw new ParameterError(
			ctx.getNode(),
			'Reuse Window (Days)',
			`${JSON.stringify(value)} is not allowed`,
			`a number of days above 0 and at most ${MAX_REUSE_DAYS}`,
			0,
		);
	}
	return days * DAY_MS;
}

/** The node's reuse memory; manual test runs do not share the process-wide copy. */
function openReuseMemory(ctx: IExecuteFunctions): ReuseMemory {
	const scope =
		ctx.getMode() === 'manual' ? undefined : `${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`;
	return new ReuseMemory(ctx.getWorkflowStaticData('node'), scope, readWindowMs(ctx));
}

/** kie no longer knows the task (or never did): nothing to reuse, but nothing wrong either. */
function isGone(error: unknown): boolean {
	return (
		error instanceof KieApiError &&
		(error.code === 404 ||
			(error.code === 422 && !/processing|generated successfully/i.test(error.kieMessage)))
	);
}

/**
 * Marks reused items (`task.existing`), followers, and makes every created task remember its key.
 * Returns the settled list unchanged in shape: an item whose remembered task cannot be read now
 * (kie down) fails alone, creating nothing, rather than paying a second time.
 */
export async function planReuse(
	ctx: IExecuteFunctions,
	config: ApiConfig,
	operation: string,
	prepared: Array<PromiseSettledResult<PreparedTask>>,
): Promise<{ prepared: Array<PromiseSettledResult<PreparedTask>>; plan: ReusePlan }> {
	const plan: ReusePlan = { reused: new Set(), followers: new Map(), release: () => {} };
	const keyed = prepared.map((p, itemIndex) => {
		if (p.status !== 'fulfilled') return undefined;
		const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const key = readKey(options.deduplicateBy);
		return key === undefined ? undefined : hashKey(operation, key);
	});
	if (keyed.every((key) => key === undefined)) return { prepared, plan };

	const memory = openReuseMemory(ctx);
	// Another execution of this process creating a task for one of these keys now: wait for it and
	// reuse its task, rather than both paying.
	await memory.claimUnremembered(keyed.filter((key): key is string => key !== undefined));
	plan.release = () => memory.releaseClaims();
	const leaders = new Map<string, number>();
	const result = [...prepared];
	for (const [itemIndex, p] of prepared.entries()) {
		const key = keyed[itemIndex];
		if (p.status !== 'fulfilled' || key === undefined) continue;
		const task = p.value;
		task.echo = { ...task.echo, reused: false };
		const leader = leaders.get(key);
		if (leader !== undefined) {
			plan.followers.set(itemIndex, leader);
			continue;
		}
		leaders.set(key, itemIndex);
		const remembered = memory.find(key);
		if (remembered) {
			const probe: PreparedTask = remembered.request ? { ...task, body: remembered.request } : task;
			const state = await settle(
				async () =>
					await checkTask(ctx, config, probe, remembered.taskId, ctx.getExecutionCancelSignal()),
			);
			if (!state.ok && !isGone(state.error)) {
				result[itemIndex] = { status: 'rejected', reason: state.error };
				continue;
			}
			if (state.ok && state.value.status !== 'failed') {
				task.body = probe.body;
				task.existing = {
					taskId: remembered.taskId,
					finished: state.value.status === 'success' ? state.value : undefined,
				};
				task.echo = { ...task.echo, reused: true, estimatedCredits: 0 };
				plan.reused.add(itemIndex);
				continue;
			}
			memory.forget(key);
		}
		const request = task.readBack === 'repeatFourKRequest' ? { ...task.body } : undefined;
		task.onCreated = (taskId) => memory.remember(key, taskId, request);
		if (ctx.getMode() !== 'manual') task.echo = { ...task.echo, notice: CONCURRENT_CREATE_NOTICE };
	}
	return { prepared: result, plan };
}

/** A follower's output: its leader's result (same task, same file), marked as reused. */
export function followerOutcome(
	leader: PromiseSettledResult<INodeExecutionData>,
	follower: PreparedTask,
): PromiseSettledResult<INodeExecutionData> {
	if (leader.status === 'rejected') return leader;
	const { json, binary } = leader.value;
	return {
		status: 'fulfilled',
		value: {
			json: { ...json, ...follower.echo, reused: true, estimatedCredits: 0 },
			...(binary ? { binary } : {}),
			pairedItem: { item: follower.itemIndex },
		},
	};
}
