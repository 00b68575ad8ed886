/**
 * Shared helpers of the reliability suite (soak, outages, secrets): the seeded fault profile, the
 * scaled node options, n8n's wait-timeout path for parked executions, and the instruments that
 * count what happened (callback deliveries seen by the node, resumes per execution, simulator
 * request figures, captured log lines).
 */
import type {
	IDataObject,
	INodeExecutionData,
	IRunExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';
import { dirname } from 'path';

import { findTaskId } from '../../nodes/kie/records/normalize';
import { Veo3 } from '../../nodes/Veo3/Veo3.node';
import type { ConfigPatch, RequestLogEntry, RunningSimulator } from '../../simulator';
import type { HarnessCredentials, HarnessRun } from '../harness/engine';
import type { CallbackServer } from '../harness/webhooks';

export const SOAK_SEED = 7_031;

/**
 * 10% HTTP 500s on every request, on paid creates after kie created and charged the task; 3% of
 * accepted creates lose their answer to a connection reset; 10% slow answers on reads; 2% 429 bursts
 * (3 requests long, on reads and paid creates); 5% of callbacks duplicated, 5% dropped. Seeded:
 * every run draws the same fault sequence (which request gets which fault depends on arrival order).
 */
export const SOAK_FAULTS: NonNullable<ConfigPatch['faults']> = {
	seed: SOAK_SEED,
	http500: { rate: 0.1, scope: 'all' },
	slow: { rate: 0.1, ms: 150, scope: 'reads' },
	burst429: { rate: 0.02, length: 3, scope: 'all' },
	duplicateCallbackRate: 0.05,
	dropCallbackRate: 0.05,
	create500AfterCommit: true,
	createResetAfterCommitRate: 0.03,
};

export const NO_FAULTS: NonNullable<ConfigPatch['faults']> = {
	http500: { rate: 0, scope: 'reads' },
	slow: { rate: 0, ms: 0, scope: 'all' },
	burst429: { rate: 0, length: 3, scope: 'creates' },
	duplicateCallbackRate: 0,
	dropCallbackRate: 0,
	create500AfterCommit: false,
	createResetAfterCommitRate: 0,
};

/** The text of every error that says a paid create may have gone through without a task ID coming back. */
export const MAY_HAVE_BEEN_CREATED = /may (or may not )?have been created/i;

/** Whether an output item is the explicit error of a create whose answer was lost. */
export function isUncertainCreate(item: INodeExecutionData): boolean {
	return (
		typeof item.json.error === 'string' &&
		MAY_HAVE_BEEN_CREATED.test(`${item.json.error} ${String(item.json.description ?? '')}`)
	);
}

/**
 * Node options scaled for the fast profile: the same code paths as the defaults (poll back-off,
 * read retries with exponential back-off and jitter, client-side create limit), with millisecond
 * delays. The create limit is raised so 500 tasks fit in seconds; kie's real 20/10 s is covered by
 * the workflow tests.
 */
export const SCALED_OPTIONS: IDataObject = {
	pollIntervalSeconds: 0.05,
	maxWaitMinutes: 1,
	rateLimitMax: 1000,
};

/** The node-level hidden tuning (docs/tuning.md) of the same scale: quick read retries, a 1 s create window. */
export const SCALED_TUNING: IDataObject = {
	readRetries: 5,
	retryDelayMs: 5,
	rateLimitWindowSeconds: 1,
};

export function credentialsFor(
	sim: RunningSimulator,
	apiKey: string,
	webhookHmacSecret?: string,
): HarnessCredentials {
	return {
		apiKey,
		baseUrl: sim.url,
		uploadBaseUrl: sim.uploadUrl,
		...(webhookHmacSecret ? { webhookHmacSecret } : {}),
	};
}

export const sleep = async (ms: number): Promise<void> =>
	await new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Outcomes of items
// ---------------------------------------------------------------------------------------------

type ItemOutcome =
	| { kind: 'success'; taskId: string; json: IDataObject }
	| { kind: 'error'; status: string; taskId: string | null; message: string; json: IDataObject };

/**
 * Classifies one output item: a success carries a task ID and status "success"; an explicit error
 * carries an error text or a final non-success status. Anything else (an item that is neither, for
 * example an input item passed through untouched) is reported as such and fails the caller's checks.
 */
export function classify(
	item: INodeExecutionData,
): ItemOutcome | { kind: 'unclear'; json: IDataObject } {
	const json = item.json;
	const taskId = typeof json.taskId === 'string' && json.taskId !== '' ? json.taskId : null;
	if (json.status === 'success' && !json.error && taskId) return { kind: 'success', taskId, json };
	const message =
		typeof json.error === 'string'
			? json.error
			: typeof json.errorMessage === 'string'
				? json.errorMessage
				: '';
	const status = typeof json.status === 'string' ? json.status : 'error';
	if (message !== '' && status !== 'success' && status !== 'generating')
		return { kind: 'error', status, taskId, message, json };
	return { kind: 'unclear', json };
}

/** The input index an output item answers (pairedItem, or the echoed prompt as a fallback). */
export function inputIndexOf(item: INodeExecutionData, prompts: string[]): number {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	if (typeof paired === 'object' && paired !== null && typeof paired.item === 'number')
		return paired.item;
	return typeof item.json.prompt === 'string' ? prompts.indexOf(item.json.prompt) : -1;
}

// ---------------------------------------------------------------------------------------------
// Callback instruments
// ---------------------------------------------------------------------------------------------

export interface CallbackDelivery {
	executionId: string;
	taskId: string | undefined;
	/** HTTP status the node answered with. */
	status: number;
	/** Whether this delivery resumed the execution (webhook() returned workflowData). */
	resumed: boolean;
}

/**
 * Records every call of the Veo3 node's webhook() (each callback delivery that reached a waiting
 * execution): which execution, which task, the answer, and whether it resumed the execution.
 */
export function recordCallbackDeliveries(): { deliveries: CallbackDelivery[]; restore(): void } {
	const deliveries: CallbackDelivery[] = [];
	const original = Veo3.prototype.webhook;
	Veo3.prototype.webhook = async function (this: IWebhookFunctions) {
		const request = this.getRequestObject();
		const executionId = new URL(request.url ?? '/', 'http://local').pathname.split('/')[2] ?? '';
		const body = this.getBodyData();
		const taskId = body && typeof body === 'object' ? findTaskId(body as IDataObject) : undefined;
		const result = await original.call(this);
		deliveries.push({
			executionId,
			taskId,
			status: this.getResponseObject().statusCode,
			resumed: result.workflowData !== undefined,
		});
		return result;
	};
	return {
		deliveries,
		restore: () => {
			Veo3.prototype.webhook = original;
		},
	};
}

export interface ParkedOutcome {
	via: 'callback' | 'timeout';
	run: HarnessRun;
	/** The execution's configured resume deadline (waitTill). */
	deadline: number;
	settledAt: number;
}

/**
 * Waits for a parked execution the way n8n does: a callback may continue it until its waitTill;
 * at waitTill n8n's wait tracker continues it without webhook data (CallbackServer.timeOut: the
 * waiting node passes its input through). Afterwards a callback finds it finished (409).
 */
export async function settleParked(
	server: CallbackServer,
	run: HarnessRun,
): Promise<ParkedOutcome> {
	const waitTill = (run.run.data as IRunExecutionData).waitTill;
	if (!waitTill)
		throw new Error(`execution ${run.executionId} is not waiting (status ${run.run.status})`);
	const deadline = new Date(waitTill).getTime();
	const byCallback = await server
		.waitFor(run.executionId, Math.max(0, deadline - Date.now()))
		.catch(() => undefined);
	if (byCallback) return { via: 'callback', run: byCallback, deadline, settledAt: Date.now() };
	if (server.execution(run.executionId).state !== 'waiting') {
		// A callback started continuing it just before the deadline.
		return {
			via: 'callback',
			run: await server.waitFor(run.executionId),
			deadline,
			settledAt: Date.now(),
		};
	}
	return {
		via: 'timeout',
		run: await server.timeOut(run.executionId),
		deadline,
		settledAt: Date.now(),
	};
}

// ---------------------------------------------------------------------------------------------
// Simulator figures
// ---------------------------------------------------------------------------------------------

const isFault = (entry: RequestLogEntry): boolean =>
	entry.status >= 500 ||
	entry.code === 429 ||
	entry.code === 455 ||
	(entry.code !== null && entry.code >= 500);

interface RequestFigures {
	apiRequests: number;
	createRequests: number;
	/** Create requests kie refused (429) and the node sent again. */
	createRetries: number;
	/** Create requests answered HTTP 500 (kie created and charged the task when create500AfterCommit). */
	create500s: number;
	statusReads: number;
	/** Status reads answered with a fault (HTTP 500 / 429): each was asked again. */
	readRetries: number;
	fileDownloads: number;
}

export function requestFigures(log: RequestLogEntry[]): RequestFigures {
	const api = log.filter((r) => r.endpoint !== 'GET /files');
	const creates = api.filter((r) => r.endpoint === 'POST /api/v1/veo/generate');
	const reads = api.filter((r) => r.endpoint === 'GET /api/v1/veo/record-info');
	return {
		apiRequests: api.length,
		createRequests: creates.length,
		createRetries: creates.filter((r) => r.code === 429 || r.code === 455).length,
		create500s: creates.filter((r) => r.status >= 500).length,
		statusReads: reads.length,
		readRetries: reads.filter(isFault).length,
		fileDownloads: log.length - api.length,
	};
}

// ---------------------------------------------------------------------------------------------
// Log capture
// ---------------------------------------------------------------------------------------------

type LogMethod = 'error' | 'warn' | 'info' | 'debug';
const LOG_METHODS: LogMethod[] = ['error', 'warn', 'info', 'debug'];

function render(args: unknown[]): string {
	return args
		.map((a) => {
			if (typeof a === 'string') return a;
			if (a instanceof Error) return `${a.name}: ${a.message}\n${a.stack ?? ''}\n${safeJson(a)}`;
			return safeJson(a);
		})
		.join(' ');
}

function safeJson(value: unknown): string {
	const seen = new WeakSet<object>();
	try {
		return (
			JSON.stringify(value, (_key, v: unknown) => {
				if (typeof v === 'object' && v !== null) {
					if (seen.has(v)) return '[circular]';
					seen.add(v);
				}
				if (typeof v === 'bigint') return v.toString();
				return v;
			}) ?? String(value)
		);
	} catch {
		return String(value);
	}
}

/**
 * Captures, until `stop()`, every line written through console.*, n8n-workflow's LoggerProxy
 * (used by n8n-core's engine) and n8n's Logger service (what nodes get as `this.logger`), whatever
 * the log level: the calls are recorded before the level filter.
 */
export function captureLogs(): { lines: string[]; stop(): void } {
	const lines: string[] = [];
	const restores: Array<() => void> = [];
	const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
	for (const method of consoleMethods) {
		const original = console[method];
		console[method] = (...args: unknown[]) => {
			lines.push(`console.${method} ${render(args)}`);
		};
		restores.push(() => {
			console[method] = original;
		});
	}
	// First the Logger service: creating it points LoggerProxy at it, which the capture below replaces.
	const logger = n8nLogger();
	for (const method of LOG_METHODS) {
		const original = logger[method];
		logger[method] = (...args: unknown[]) => {
			lines.push(`Logger.${method} ${render(args)}`);
		};
		restores.push(() => {
			logger[method] = original;
		});
	}
	const proxy = LoggerProxy as unknown as Record<LogMethod, (...args: unknown[]) => void>;
	const proxyBefore = Object.fromEntries(LOG_METHODS.map((m) => [m, proxy[m]])) as Record<
		LogMethod,
		(...args: unknown[]) => void
	>;
	const capture = Object.fromEntries(
		LOG_METHODS.map((m) => [
			m,
			(...args: unknown[]) => void lines.push(`LoggerProxy.${m} ${render(args)}`),
		]),
	) as Record<LogMethod, (...args: unknown[]) => void>;
	LoggerProxy.init(capture as never);
	restores.push(() => LoggerProxy.init(proxyBefore as never));

	return {
		lines,
		stop: () => {
			for (const restore of restores.reverse()) restore();
		},
	};
}

/** n8n's Logger service from the DI container n8n-core uses (the `this.logger` of node contexts). */
function n8nLogger(): Record<LogMethod, (...args: unknown[]) => void> {
	const coreDir = dirname(require.resolve('n8n-core'));
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Container } = require(require.resolve('@n8n/di', { paths: [coreDir] }));
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Logger } = require(require.resolve('@n8n/backend-common', { paths: [coreDir] }));
	return Container.get(Logger);
}
