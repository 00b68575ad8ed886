import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	isUnknownTask,
	KieApiError,
	KieTransportError,
	TaskFailedError,
	WaitTimeoutError,
} from './errors';
import { hintForCode, UNCERTAIN_CREATE_TEXT, UNKNOWN_TASK_TEXT } from './kieCodeHints';

/**
 * n8n replaces any error message that mentions a network code (ECONNRESET, ETIMEDOUT, …) with a
 * generic text. Ours name the task and whether it may have been created, so they are kept.
 */
function keepMessage<E extends NodeApiError | NodeOperationError>(error: E, message: string): E {
	error.message = message;
	return error;
}

/** Turns any error raised while handling one item into the n8n error that names the item. */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	if (error instanceof KieApiError) {
		const errorResponse: JsonObject = { code: error.code, msg: error.kieMessage };
		const said =
			error.code === 433
				? `kie.ai refused the request: this API key has reached its usage limit (code 433: ${error.kieMessage})`
				: isUnknownTask(error)
					? UNKNOWN_TASK_TEXT
					: `kie.ai error ${error.code}: ${error.kieMessage}`;
		const message = error.uncertainCreate ? `${said}. The task may have been created` : said;
		const hint = hintForCode(error.code);
		const description = error.uncertainCreate
			? `${UNCERTAIN_CREATE_TEXT}${hint ? ` ${hint}` : ''}`
			: hint;
		return keepMessage(
			new NodeApiError(node, errorResponse, {
				message,
				description,
				httpCode: String(error.code),
				itemIndex,
			}),
			message,
		);
	}
	if (error instanceof TaskFailedError) {
		return keepMessage(
			new NodeApiError(
				node,
				{ taskId: error.taskId, errorCode: error.errorCode, errorMessage: error.errorMessage },
				{
					message: error.message,
					description:
						hintForCode(error.errorCode) ??
						'The render failed at kie.ai. Its reason is in the message.',
					httpCode: error.errorCode === null ? undefined : String(error.errorCode),
					itemIndex,
				},
			),
			error.message,
		);
	}
	if (error instanceof WaitTimeoutError) {
		return keepMessage(
			new NodeOperationError(node, error.message, {
				description:
					'Raise "Max Wait Time", or use "Don\'t Wait" and fetch the result later with Get Details. The task keeps running at kie.ai; its ID is in the message.',
				itemIndex,
			}),
			error.message,
		);
	}
	if (error instanceof KieTransportError) {
		return keepMessage(new NodeOperationError(node, error.message, { itemIndex }), error.message);
	}
	// Anything else (a file host's network error, …) gets n8n's usual wording.
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, { itemIndex });
}
