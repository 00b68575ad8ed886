import type {
	ExecutionError,
	IDataObject,
	INodeExecutionData,
	IRunExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';

/**
 * The only module that reaches past n8n's node API into the engine. Each hook names the n8n
 * versions it was read from (n8n-core / n8n-workflow 1.123.x and 2.41.x);
 * test/e2e/engine-internals.e2e.test.ts runs both in a real n8n of each major and fails if n8n
 * changes underneath.
 */

/**
 * The waiting execution a resume-URL call belongs to. n8n's WaitingWebhooks builds the webhook's
 * context from the saved execution: WebhookContext keeps it in its `runExecutionData` field
 * (NodeExecutionContext constructor; read in n8n-core 1.123.x and 2.41.x). webhook() has no
 * getContext(), and an expression over `$node[<name>].context` would put the node's name into
 * expression code, so the saved data is read directly.
 */
function waitingExecution(ctx: IWebhookFunctions): IRunExecutionData | undefined {
	const data = (ctx as unknown as { runExecutionData?: IRunExecutionData | null }).runExecutionData;
	return data ?? undefined;
}

/**
 * The waiting node's own context, as it saved it when it parked. n8n-workflow's
 * NodeHelpers.getContext keeps a node's context at `executionData.contextData['node:<name>']`
 * (n8n-workflow 1.123.x and 2.41.x).
 */
export function readWaitingNodeContext(ctx: IWebhookFunctions): IDataObject | undefined {
	const contextData = waitingExecution(ctx)?.executionData?.contextData as
		| Record<string, IDataObject>
		| undefined;
	return contextData?.[`node:${ctx.getNode().name}`];
}

/**
 * Makes the resumed node fail with `error`, as a failed render does in poll mode. webhook() cannot
 * fail the node through its API (a throwing webhook() makes n8n run the next nodes with an empty
 * item). n8n-core 2.41.x WorkflowExecute.runNode rethrows `metadata.resumeError` of the resumed
 * stack entry (n8n uses it for failed sub-workflows); the entry is the first of the stack that
 * WaitingWebhooks resumes. n8n-core 1.123.x has no such field and ignores it: the node then
 * outputs the error items built for this case.
 */
export function failResumedNode(ctx: IWebhookFunctions, error: ExecutionError): boolean {
	const entry = waitingExecution(ctx)?.executionData?.nodeExecutionStack?.[0];
	if (!entry || entry.node.name !== ctx.getNode().name) return false;
	entry.metadata = { ...entry.metadata, resumeError: error } as typeof entry.metadata;
	return true;
}

/**
 * Makes n8n run the resumed node's execute() again, instead of passing webhook()'s items through,
 * and returns the items the node was given when it parked, for webhook() to hand back unchanged
 * (so execute() sees the same input, and its output pairs with the same items). On a resume call
 * n8n's WaitingWebhooks.getWebhookExecutionData sets `disabled = true` on the node of the first
 * stack entry, clears `waitTill` and removes the parked run from the run data, before webhook()
 * runs; WebhookHelpers then sets that entry's `data.main` to webhook()'s items and runs the
 * execution; WorkflowExecute.runNode passes the input of a disabled node through, and otherwise
 * runs the node with that input, under the same run index as the parked run (whose run data was
 * removed). handleWaitingState does not disable the node again: it acts only while `waitTill` is
 * set, which is the timeout path. Read in n8n 1.123.x and 2.41.x (cli WaitingWebhooks and
 * WebhookHelpers, n8n-core WorkflowExecute). undefined when the entry is not this node's.
 */
export function rerunResumedNode(ctx: IWebhookFunctions): INodeExecutionData[][] | undefined {
	const entry = waitingExecution(ctx)?.executionData?.nodeExecutionStack?.[0];
	if (!entry || entry.node.name !== ctx.getNode().name) return undefined;
	const input = entry.data?.main;
	if (!Array.isArray(input) || !Array.isArray(input[0])) return undefined;
	entry.node.disabled = false;
	return [input[0]];
}

/**
 * Whether n8n's engine sends an item shaped `{ error, details }` to the error output of a node set
 * to "Continue (using error output)". n8n-core 2.41.x WorkflowExecute.handleNodeErrorOutput routes
 * an item whose json has `error` and no keys but error/message/details; n8n-core 1.123.x only one
 * whose json is exactly `{ error }` or `{ error, message }`. The node contexts of n8n-core 2.x have
 * a `customData` accessor that 1.123.x's lack (NodeExecutionContext, read in both), which tells the
 * two engines apart.
 */
export function errorOutputTakesDetails(ctx: object): boolean {
	return 'customData' in ctx;
}
