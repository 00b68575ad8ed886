import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { KieApiError, KieTransportError } from '../../kie/errors/errors';
import { UNCERTAIN_CREATE_TEXT } from '../../kie/errors/kieCodeHints';
import { settle } from '../../kie/base/settle';
import type { LedgerMatch } from '../inputs/preparedTask';

/**
 * The paid tasks this node created in this execution. n8n's engine runs a node again on Retry On
 * Fail (after a throw, and when the first output item carries `json.error`) with the same execution
 * data, and "Retry execution" re-runs a failed execution from its saved data; the node's context is
 * part of both. So a run that finds an entry for the same item and the same request takes the task
 * that was already paid for instead of creating another one.
 */
const LEDGER_FIELD = 'veo3Ledger';

interface LedgerEntry {
	/** The node's run index when the task was created (each loop pass is a new run). */
	run: number;
	item: number;
	/** requestFingerprint() of what was asked. */
	request: string;
	taskId?: string;
	/** The create may or may not have gone through: the error it ended with. Never sent again. */
	uncertain?: string;
}

interface StoredLedger {
	version: 1;
	entries: LedgerEntry[];
}

function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(canonical);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.keys(value as IDataObject)
				.sort()
				.map((key) => [key, canonical((value as IDataObject)[key])]),
		);
	}
	return value;
}

/** A short, stable name for a create request; the callback URL changes per run, so it is left out. */
function requestFingerprint(endpoint: string, body: IDataObject): string {
	const rest = { ...body };
	delete rest.callBackUrl;
	return createHash('sha256')
		.update(JSON.stringify([endpoint, canonical(rest)]))
		.digest('hex')
		.slice(0, 16);
}

function load(ctx: IExecuteFunctions): StoredLedger {
	const context = ctx.getContext('node');
	const stored = context[LEDGER_FIELD] as unknown as StoredLedger | undefined;
	if (stored?.version === 1 && Array.isArray(stored.entries)) return stored;
	const fresh: StoredLedger = { version: 1, entries: [] };
	context[LEDGER_FIELD] = fresh as unknown as IDataObject;
	return fresh;
}

/** The node's current run index ($runIndex): a retry of the node keeps it, a loop pass does not. */
function currentRun(ctx: IExecuteFunctions): number {
	let run = runIndexes.get(ctx);
	if (run === undefined) {
		run = Number(ctx.getWorkflowDataProxy(0).$runIndex ?? 0);
		runIndexes.set(ctx, run);
	}
	return run;
}

/** n8n builds a new context for every run and try of a node; a data proxy per create is not free. */
const runIndexes = new WeakMap<IExecuteFunctions, number>();

/**
 * Whether the saved node context (a waiting execution's, read by its resume webhook) shows a task
 * this execution created: the resume webhook repeats a 4K request only for such a task, because a
 * repeat is free only once a 4K was requested.
 */
export function ledgerHasTask(context: IDataObject | undefined, taskId: string): boolean {
	const stored = context?.[LEDGER_FIELD] as unknown as StoredLedger | undefined;
	return (
		stored?.version === 1 &&
		Array.isArray(stored.entries) &&
		stored.entries.some((entry) => entry.taskId === taskId)
	);
}

function findInLedger(
	ctx: IExecuteFunctions,
	request: string,
	match: LedgerMatch,
	run: number,
	item: number,
): LedgerEntry | undefined {
	const entries = load(ctx).entries.filter((e) => e.request === request);
	if (match === 'sameRequest') return entries.at(-1);
	return entries.find((e) => e.run === run && e.item === item);
}

function recordInLedger(ctx: IExecuteFunctions, entry: LedgerEntry): void {
	const ledger = load(ctx);
	const same = (e: LedgerEntry) =>
		e.run === entry.run && e.item === entry.item && e.request === entry.request;
	ledger.entries = [...ledger.entries.filter((e) => !same(e)), entry];
	if (entry.taskId) {
		rememberInCustomData(ctx, entry.taskId);
		logCreated(ctx, entry.taskId, entry.item);
	}
}

/**
 * One log line per paid task, at info (n8n's default level). When the process running the node
 * dies (n8n killed, a queue-mode worker lost), n8n keeps none of what the node held, not even
 * custom data; its log is then the one place in n8n that still names the task.
 */
function logCreated(ctx: IExecuteFunctions, taskId: string, item: number): void {
	try {
		const executionId = ctx.getExecutionId();
		const workflowId = ctx.getWorkflow().id;
		const node = ctx.getNode().name;
		ctx.logger.info(
			`Veo3: kie.ai task ${taskId} created (execution ${executionId}, workflow ${workflowId}, node "${node}", item ${item})`,
			{ taskId, item, executionId, workflowId, node },
		);
	} catch {
		// Logging is a convenience; a logger that fails must not fail a paid create.
	}
}

/** What the ledger needs to know of a create request. */
interface LedgerRequest {
	itemIndex: number;
	endpoint: string;
	body: IDataObject;
	/** Stands for `body` when it holds values that change per run (uploaded image URLs). */
	identity?: IDataObject;
	/** Default: 'sameItem'. */
	reuse?: LedgerMatch;
}

function isUncertainCreate(error: unknown): boolean {
	if (error instanceof KieApiError) return error.uncertainCreate;
	return error instanceof KieTransportError && error.message.includes(UNCERTAIN_CREATE_TEXT);
}

/**
 * Runs `send` (the paid create) unless the ledger already has this item's request: a created task
 * is returned as `reused`, and a create that may have gone through is reported again, never re-sent.
 */
export async function createOnce<R extends LedgerRequest, T extends { taskId: string }>(
	ctx: IExecuteFunctions,
	task: R,
	send: () => Promise<T>,
): Promise<T | { task: R; taskId: string; reused: true }> {
	const request = requestFingerprint(task.endpoint, task.identity ?? task.body);
	const run = currentRun(ctx);
	const earlier = findInLedger(ctx, request, task.reuse ?? 'sameItem', run, task.itemIndex);
	if (earlier?.taskId) return { task, taskId: earlier.taskId, reused: true };
	if (earlier?.uncertain !== undefined) {
		throw new KieTransportError(
			`${earlier.uncertain} (An earlier try of this node sent it; not sent again.)`,
			undefined,
			task.endpoint,
		);
	}
	const created = await settle(send);
	if (created.ok) {
		recordInLedger(ctx, { run, item: task.itemIndex, request, taskId: created.value.taskId });
		return created.value;
	}
	const { error } = created;
	if (isUncertainCreate(error)) {
		const text =
			error instanceof KieApiError
				? `${error.message}. ${UNCERTAIN_CREATE_TEXT}`
				: (error as Error).message;
		recordInLedger(ctx, { run, item: task.itemIndex, request, uncertain: text });
	}
	throw error;
}

/** n8n keeps at most 10 custom-data keys per execution (shared with the user's own) and logs values over 255 characters. */
const CUSTOM_DATA_KEYS = 6;
const CUSTOM_DATA_VALUE_LENGTH = 255;
const CUSTOM_DATA_PREFIX = 'veo3_task_ids';

/**
 * Task IDs also go to the execution's custom data as soon as kie answers. When an execution is
 * stopped while this node runs, n8n saves the execution as it was when the node started (its
 * output and context are not kept), but the custom data written so far is saved: it is what
 * names the paid tasks of a stopped execution (execution details, and $execution.customData).
 */
function rememberInCustomData(ctx: IExecuteFunctions, taskId: string): void {
	try {
		// n8n 2.x offers this.customData; n8n 1.x only $execution.customData (the same store).
		const customData =
			(ctx as Partial<Pick<IExecuteFunctions, 'customData'>>).customData ??
			(
				ctx.getWorkflowDataProxy(0).$execution as
					| { customData?: IExecuteFunctions['customData'] }
					| undefined
			)?.customData;
		if (!customData) return;
		const all = customData.getAll();
		for (let slot = 1; slot <= CUSTOM_DATA_KEYS; slot++) {
			const key = `${CUSTOM_DATA_PREFIX}_${slot}`;
			const current = all[key] ?? '';
			if (current.split(' ').includes(taskId)) return;
			const next = current ? `${current} ${taskId}` : taskId;
			if (next.length > CUSTOM_DATA_VALUE_LENGTH) continue;
			customData.set(key, next);
			return;
		}
	} catch {
		// Custom data is a convenience: the user's own keys may have used n8n's limit up.
	}
}
