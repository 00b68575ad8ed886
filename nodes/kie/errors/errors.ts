import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** A parameter that fails its check before any request: names the field and what is allowed. */
export class ParameterError extends NodeOperationError {
	constructor(node: INode, field: string, problem: string, allowed: string, itemIndex: number) {
		super(node, `Invalid "${field}": ${problem}`, {
			description: `Allowed: ${allowed}`,
			itemIndex,
		});
	}
}

/**
 * A callback URL kie.ai could never call (localhost, a private address, a name only the local
 * network knows), refused before anything is sent. `origin` only: a resume URL carries a token.
 */
export class UnreachableCallbackError extends NodeOperationError {
	constructor(
		node: INode,
		field: 'Wait Mode' | 'Callback URL',
		origin: string,
		fix: string,
		itemIndex: number,
	) {
		const waiting = field === 'Wait Mode';
		super(
			node,
			waiting
				? `Invalid "Wait Mode": "Wait for Callback" cannot work here, kie.ai cannot reach this n8n at ${origin}`
				: `Invalid "Callback URL": kie.ai cannot reach ${origin} from the internet`,
			{
				description: waiting
					? `To fix it, ${fix}, or choose "Wait Until Done (Poll)". Allowed: Wait for Callback only when n8n is reachable from the internet. Nothing was sent to kie.ai and no credits were spent.`
					: `To fix it, ${fix}, then copy the Veo3 Trigger's Production URL again, or leave Callback URL empty. Allowed: a public http(s) address. Nothing was sent to kie.ai and no credits were spent.`,
				itemIndex,
			},
		);
	}
}

/** An answer of kie.ai that lacks what it should carry (a file URL, a result URL). */
export class UnexpectedAnswerError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UnexpectedAnswerError';
	}
}

/**
 * An error answered by kie.ai, in the envelope (HTTP 200 with a body code) or as an HTTP status.
 * Carries only kie's code and message: never request options, so no header can leak a key.
 */
export class KieApiError extends Error {
	constructor(
		readonly code: number,
		readonly kieMessage: string,
		readonly httpStatus: number,
		readonly endpoint: string,
		readonly data?: unknown,
		/** A create answered with a server error: kie may have created (and charged) the task. */
		readonly uncertainCreate = false,
	) {
		super(`kie.ai answered code ${code}: ${kieMessage}`);
		this.name = 'KieApiError';
	}
}

/** The request may or may not have reached kie.ai; for a create this means "do not retry". */
export class KieTransportError extends Error {
	constructor(
		message: string,
		readonly networkCode: string | undefined,
		readonly endpoint: string,
	) {
		super(message);
		this.name = 'KieTransportError';
	}
}

/** A task that reached a final failed state at kie.ai (successFlag 2/3, or a failure callback). */
export class TaskFailedError extends Error {
	constructor(
		readonly taskId: string,
		readonly errorCode: number | null,
		readonly errorMessage: string | null,
	) {
		super(
			`Video task ${taskId} failed at kie.ai${errorCode ? ` (code ${errorCode})` : ''}: ${errorMessage ?? 'no reason given'}`,
		);
		this.name = 'TaskFailedError';
	}
}

export class WaitTimeoutError extends Error {
	constructor(
		readonly taskId: string,
		readonly waitedSeconds: number,
		readonly lastError?: string,
	) {
		super(
			`Video task ${taskId} was not finished after ${Math.round(waitedSeconds)} s` +
				(lastError ? ` (last status check failed: ${lastError})` : ''),
		);
		this.name = 'WaitTimeoutError';
	}
}

/** kie's answer for an unknown task ID ("record is null") or one past its 14-day retention. */
export function isUnknownTask(error: unknown): boolean {
	return (
		error instanceof KieApiError &&
		(error.code === 404 ||
			(error.code === 422 && /record(?:Info)? is null|14 days/i.test(error.kieMessage)))
	);
}

/** The credential's base URL is not an http(s) URL with a host (checked before any request). */
export function badBaseUrlError(node: INode, field: string, value: string): NodeOperationError {
	return new NodeOperationError(
		node,
		`Invalid "${field}" in the Veo3 credential: "${value.slice(0, 80)}" is not a URL`,
		{
			description:
				'Allowed: an http:// or https:// URL with a host, such as https://api.kie.ai (leave it empty for kie.ai).',
		},
	);
}

/** Resource and operation come from the node's own option lists; anything else is a broken workflow. */
export function unsupportedOperationError(
	node: INode,
	resource: string,
	operation: string,
): NodeOperationError {
	return new NodeOperationError(
		node,
		`The operation "${operation}" of "${resource}" is not supported`,
	);
}

/** kie refuses the 1080p version (422): the video is not finished, or is a fallback already in 1080p. */
export function not1080pUpgradableError(
	node: INode,
	error: KieApiError,
	itemIndex: number,
): NodeApiError {
	return new NodeApiError(
		node,
		{ code: error.code, msg: error.kieMessage },
		{
			message: `This video cannot be upgraded to 1080p: ${error.kieMessage}`,
			description:
				'Only finished videos can be upgraded; videos kie.ai made with its backup model are already 1080p. Check the video with Get Details.',
			httpCode: '422',
			itemIndex,
		},
	);
}

/** Download by task ID of a task that has no video yet (still running, or failed). */
export function noVideoYetError(
	node: INode,
	taskId: string,
	status: string,
	kieReason: string | null,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(
		node,
		`Task ${taskId} is ${status}, there is no video to download yet`,
		{
			description:
				status === 'failed'
					? `kie.ai: ${kieReason ?? 'no reason given'}`
					: 'Wait until it is finished (Generate with a wait mode does this for you).',
			itemIndex,
		},
	);
}

/** The file download was refused and kie could not give a fresh link either: the file's failure comes first. */
export function downloadFailedError(
	node: INode,
	url: string,
	statusCode: number,
	fallbackError: unknown,
	itemIndex: number,
): NodeOperationError {
	const reason =
		fallbackError instanceof KieApiError
			? `kie.ai answered ${fallbackError.code}: ${fallbackError.kieMessage}`
			: String((fallbackError as Error).message);
	return new NodeOperationError(node, `Downloading ${url} failed with HTTP ${statusCode}`, {
		description: `A fresh download link was not available either (${reason}). kie.ai keeps result videos for 14 days; check the URL or the task ID.`,
		itemIndex,
	});
}

interface SpendRefusal {
	reason: 'cap' | 'balance';
	estimatedCredits: number;
	itemCount: number;
	maxCredits?: number;
	spentBefore?: number;
	balance?: number;
	coveredItems?: number;
}

/** Spending control: a batch refused before anything was sent; the fields let a workflow or an AI agent act on it. */
export class SpendRefusedError extends NodeOperationError {
	constructor(
		node: INode,
		readonly refusal: SpendRefusal,
	) {
		super(node, refusalMessage(refusal), { description: refusalAdvice(refusal), itemIndex: 0 });
		this.name = 'SpendRefusedError';
	}
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function refusalMessage(r: SpendRefusal): string {
	const batch = `this batch of ${plural(r.itemCount, 'paid request')} is estimated at ${plural(r.estimatedCredits, 'credit')}`;
	if (r.reason === 'cap') {
		const earlier = r.spentBefore
			? ` (plus ${r.spentBefore} already spent by this node in this execution)`
			: '';
		return `Spending cap reached: ${batch}${earlier}, over the Max Credits per Execution of ${r.maxCredits}. Nothing was sent.`;
	}
	return (
		`Not enough kie.ai credits: ${batch}, but the balance is ${plural(r.balance ?? 0, 'credit')}, ` +
		`which covers ${r.coveredItems} of the ${r.itemCount} items. Nothing was sent.`
	);
}

function refusalAdvice(r: SpendRefusal): string {
	return r.reason === 'cap'
		? 'Raise "Max Credits per Execution", clear it for no cap, or send fewer or cheaper items (model, resolution).'
		: 'Top up at https://kie.ai, send fewer items, or choose a cheaper model or resolution. Set "Check Balance First" to Never to let kie.ai refuse item by item instead.';
}

/** A finished, paid video that could not be downloaded: its task ID travels with the error. */
export class DownloadError extends Error {
	taskId?: string;

	constructor(
		readonly url: string,
		readonly statusCode: number,
	) {
		super(`The video is ready at ${url} but downloading it failed with HTTP ${statusCode}`);
		this.name = 'DownloadError';
	}
}
