/* A stand-in for n8n's webhook layer, in process: a real HTTP server whose requests are parsed as
 * n8n parses webhook bodies, handed to our nodes' webhook() through n8n-core's real WebhookContext,
 * and answered and continued the way n8n 2.41 does it:
 *  - /webhook-waiting/<executionId>: WaitingWebhooks + WebhookHelpers.executeWebhook. Each request
 *    reads the waiting execution afresh from the "database" (a copy of what was saved when it
 *    parked), checks n8n 2.x's ?signature= token, refuses executions that are running or finished
 *    (409), disables the waiting node, and resumes when webhook() returns workflowData.
 *  - /webhook/veo3: a production (or test) webhook of the Veo3 Trigger, with the workflow's static
 *    data loaded before and saved after each call, as n8n does for active workflows.
 * The server records what n8n would do (executions started, executions continued, answers) so tests
 * can assert that nothing started or resumed. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { parse as parseQueryString } from 'querystring';

import { WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	IRun,
	IRunExecutionData,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import {
	makeAdditionalData,
	node as makeNode,
	nodeTypes,
	TRIGGER_TYPE,
	type HarnessCredentials,
	type HarnessRun,
} from './engine';

interface ExpressLikeResponse extends ServerResponse {
	status(code: number): ExpressLikeResponse;
	json(body: unknown): ExpressLikeResponse;
	send(body: unknown): ExpressLikeResponse;
}

function expressLike(res: ServerResponse): ExpressLikeResponse {
	const r = res as ExpressLikeResponse;
	r.status = (code: number) => {
		r.statusCode = code;
		return r;
	};
	r.json = (body: unknown) => {
		r.setHeader('content-type', 'application/json');
		r.end(JSON.stringify(body));
		return r;
	};
	r.send = (body: unknown) => {
		r.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
		return r;
	};
	return r;
}

type WebhookRequest = IncomingMessage & IDataObject & { rawBody: Buffer };

/** n8n's parseBody for nodes of typeVersion 1: the body is parsed whatever the node; bad JSON is 422. */
class BodyParseError extends Error {}

async function readRequest(req: IncomingMessage, url: URL): Promise<WebhookRequest> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const request = req as WebhookRequest;
	request.rawBody = Buffer.concat(chunks);
	request.query = Object.fromEntries(url.searchParams.entries());
	request.params = {};
	request.body = undefined;
	const contentType = String(req.headers['content-type'] ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	if (request.rawBody.length === 0) return request;
	const text = request.rawBody.toString('utf8').replace(/^\uFEFF/, '');
	try {
		if (contentType === 'application/json') request.body = JSON.parse(text);
		else if (contentType === 'application/x-www-form-urlencoded')
			request.body = parseQueryString(text);
		else if (contentType === 'text/plain') request.body = text;
	} catch (error) {
		throw new BodyParseError((error as Error).message);
	}
	return request;
}

/** n8n's determineFinalExecutionStatus: an execution whose data holds an error is saved as failed. */
function n8nStatus(run: IRun): 'success' | 'error' | 'waiting' | 'canceled' | 'crashed' {
	if (run.waitTill || run.data.waitTill) return 'waiting';
	if (run.status === 'canceled' || run.status === 'crashed') return run.status;
	return run.status === 'error' || run.data.resultData.error ? 'error' : 'success';
}

type ExecutionState = 'waiting' | 'running' | 'success' | 'error' | 'canceled' | 'crashed';

interface StoredExecution {
	executionId: string;
	state: ExecutionState;
	/** How often n8n continued it (a resuming callback or the timeout). Must end at 1. */
	continued: number;
	/** The execution as saved when it parked; every request reads a fresh copy. */
	saved: HarnessRun;
	/** The execution after it continued. */
	result?: HarnessRun;
}

export interface LoggedRequest {
	path: string;
	/** Path and query string, as called. */
	url: string;
	headers: IncomingMessage['headers'];
	requestBody: Buffer;
	status: number;
	/** The answer's body. */
	body: string;
}

export interface TriggerStart {
	/** Items per output of the trigger, as the started execution receives them. */
	outputs: INodeExecutionData[][];
	query: IDataObject;
}

interface TriggerSetup {
	node: INode;
	workflowData: IDataObject;
	credentials: HarnessCredentials;
	mode: WorkflowExecuteMode;
	/** The workflow's static data as n8n stores it between calls. */
	staticData: IDataObject;
}

export class CallbackServer {
	private server?: Server;
	url = '';
	private readonly executions = new Map<string, StoredExecution>();
	/** Executions saved as waiting and not yet continued (what n8n's database lists as waiting). */
	private readonly waiting = new Map<string, HarnessRun>();
	/** Each execution after it continued, set once per continuation (a second set = a double resume). */
	readonly finished = new Map<string, HarnessRun>();
	private trigger?: TriggerSetup;
	/** One entry per execution the trigger started. */
	readonly triggerStarts: TriggerStart[] = [];
	/** Every request answered, in order: what came in and what n8n answered. */
	readonly log: LoggedRequest[] = [];
	/** Whether /webhook-waiting/ checks the ?signature= token like n8n 2.x. */
	checkResumeToken = true;

	async start(): Promise<void> {
		this.server = createServer((req, res) => void this.handle(req, expressLike(res)));
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		if (!this.server) return;
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
	}

	get waitingBaseUrl(): string {
		return `${this.url}/webhook-waiting`;
	}

	get triggerUrl(): string {
		return `${this.url}/webhook/veo3`;
	}

	/** Saves a waiting execution, as n8n does when a node calls putExecutionToWait. */
	park(run: HarnessRun): StoredExecution {
		if (run.run.status !== 'waiting')
			throw new Error(`execution ${run.executionId} is "${run.run.status}", not waiting`);
		const stored: StoredExecution = {
			executionId: run.executionId,
			state: 'waiting',
			continued: 0,
			saved: run,
		};
		this.executions.set(run.executionId, stored);
		this.waiting.set(run.executionId, run);
		return stored;
	}

	execution(executionId: string): StoredExecution {
		const stored = this.executions.get(executionId);
		if (!stored) throw new Error(`execution ${executionId} was never parked here`);
		return stored;
	}

	/** Resolves with the execution once it has continued and finished. */
	async waitFor(executionId: string, timeoutMs = 10000): Promise<HarnessRun> {
		await until(
			() => ['success', 'error', 'canceled', 'crashed'].includes(this.execution(executionId).state),
			timeoutMs,
			`execution ${executionId} to finish`,
		);
		return this.execution(executionId).result as HarnessRun;
	}

	/**
	 * The wait limit passed: n8n's WaitTracker runs the saved execution again, and the engine's
	 * handleWaitingState passes the waiting node's input through (the node itself does not run).
	 */
	async timeOut(executionId: string): Promise<HarnessRun> {
		const stored = this.execution(executionId);
		if (stored.state !== 'waiting') throw new Error(`execution ${executionId} is ${stored.state}`);
		this.startContinuing(stored);
		return await this.finish(stored, structuredClone(stored.saved.run.data));
	}

	/** Sets up the Veo3 Trigger (parameters as in the editor) at `triggerUrl`, in an active workflow. */
	useTrigger(
		parameters: IDataObject,
		credentials: HarnessCredentials,
		mode: WorkflowExecuteMode = 'webhook',
	): void {
		const triggerNode = makeNode('Veo3 Trigger', TRIGGER_TYPE, parameters);
		const workflowData = {
			id: `wf-trigger-${triggerNode.id.slice(0, 8)}`,
			name: 'trigger',
			active: true,
			nodes: [triggerNode],
			connections: {},
			settings: { executionOrder: 'v1' },
		};
		this.trigger = { node: triggerNode, workflowData, credentials, mode, staticData: {} };
		this.triggerStarts.length = 0;
	}

	/** The trigger workflow's saved static data (where the trigger remembers delivered callbacks). */
	get triggerStaticData(): IDataObject {
		return structuredClone(this.trigger?.staticData ?? {});
	}

	private async handle(rawReq: IncomingMessage, res: ExpressLikeResponse): Promise<void> {
		const url = new URL(rawReq.url ?? '/', this.url);
		const chunks: Buffer[] = [];
		const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
		res.end = ((...args: unknown[]) => {
			if (typeof args[0] === 'string' || Buffer.isBuffer(args[0]))
				chunks.push(Buffer.from(args[0] as string));
			return end(...args);
		}) as typeof res.end;
		let requestBody = Buffer.alloc(0);
		// Logged when the answer is handed to the socket, before the client sees it.
		res.once('finish', () =>
			this.log.push({
				path: url.pathname,
				url: `${url.pathname}${url.search}`,
				headers: rawReq.headers,
				requestBody,
				status: res.statusCode,
				body: Buffer.concat(chunks).toString('utf8'),
			}),
		);
		try {
			const req = await readRequest(rawReq, url).catch((error: Error) => error);
			requestBody = (rawReq as Partial<WebhookRequest>).rawBody ?? requestBody;
			if (req instanceof BodyParseError) {
				// n8n's body parser refuses it before any node runs (UnprocessableRequestError).
				res
					.status(422)
					.json({ code: 422, message: 'Failed to parse request body', hint: req.message });
			} else if (req instanceof Error) {
				throw req;
			} else if (url.pathname.startsWith('/webhook-waiting/')) {
				await this.handleWaiting(url, req, res);
			} else if (url.pathname === '/webhook/veo3') {
				await this.handleTrigger(req, res);
			} else {
				res.status(404).json({ message: 'not registered' });
			}
		} catch (error) {
			if (!res.headersSent) res.status(500).json({ message: (error as Error).message });
		}
	}

	private async handleWaiting(
		url: URL,
		req: WebhookRequest,
		res: ExpressLikeResponse,
	): Promise<void> {
		const executionId = url.pathname.split('/')[2];
		const stored = this.executions.get(executionId);
		if (!stored) {
			res
				.status(404)
				.json({ code: 404, message: `The execution "${executionId}" does not exist.` });
			return;
		}
		const token = stored.saved.run.data.resumeToken;
		if (this.checkResumeToken && token && url.searchParams.get('signature') !== token) {
			res.status(401).json({ error: 'Invalid token' });
			return;
		}
		if (stored.state !== 'waiting' || !this.waiting.has(executionId)) {
			const why =
				stored.state === 'running'
					? 'is running already'
					: stored.state === 'error'
						? 'has finished with error'
						: 'has finished already';
			res.status(409).json({ code: 409, message: `The execution "${executionId}" ${why}.` });
			return;
		}
		// WaitingWebhooks.getWebhookExecutionData, on a fresh copy of the saved execution.
		const data = structuredClone(stored.saved.run.data);
		const entry = data.executionData!.nodeExecutionStack[0];
		entry.node.disabled = true;
		data.waitTill = undefined;
		const nodeName = data.resultData.lastNodeExecuted as string;
		data.resultData.runData[nodeName].pop();
		const { workflow } = stored.saved;
		const waitingNode = workflow.getNode(nodeName) as INode;
		const additionalData = {
			...stored.saved.additionalData,
			executionId,
			httpRequest: req,
			httpResponse: res,
		} as IWorkflowExecuteAdditionalData;
		const result = await callWebhook(
			workflow,
			waitingNode,
			additionalData,
			stored.saved.run.mode,
			'',
			data,
		);

		let workflowData: INodeExecutionData[][];
		if ('error' in result) {
			// WebhookHelpers.executeWebhook (n8n 1.x-2.41): a throwing webhook() answers 500, replaces
			// the execution's result data with the error and still continues with one empty item.
			if (!res.headersSent) res.status(500).json({ code: 0, message: 'Error in workflow' });
			data.resultData = {
				runData: {},
				lastNodeExecuted: nodeName,
				error: {
					...result.error,
					message: result.error.message,
					stack: result.error.stack,
				} as never,
			};
			workflowData = [[{ json: {} }]];
		} else if (result.workflowData === undefined) {
			if (!result.noWebhookResponse && !res.headersSent)
				res.status(200).json(result.webhookResponse ?? { message: 'Webhook call received' });
			return;
		} else {
			workflowData = result.workflowData;
			if (!result.noWebhookResponse && !res.headersSent)
				res.status(200).json({ message: 'Workflow was started' });
		}
		// ActiveExecutions.add (n8n 2.x): the execution continues only if it is still saved as waiting
		// (updateExistingExecution with requireStatus 'waiting'); a timeout that continued it while
		// webhook() ran wins, and this call ends with ExecutionAlreadyResumingError.
		if (stored.state !== 'waiting') {
			if (!res.headersSent)
				res
					.status(409)
					.json({ code: 409, message: `The execution "${executionId}" is already resuming.` });
			return;
		}
		// prepareExecutionData: the waiting node outputs what webhook() returned, every branch of it.
		this.startContinuing(stored);
		entry.data.main = workflowData as never;
		entry.metadata = { ...entry.metadata, forwardAllOutputs: true } as never;
		await this.finish(stored, data);
	}

	private startContinuing(stored: StoredExecution): void {
		stored.continued++;
		stored.state = 'running';
		this.waiting.delete(stored.executionId);
	}

	private async finish(stored: StoredExecution, data: IRunExecutionData): Promise<HarnessRun> {
		const { workflow, additionalData } = stored.saved;
		const run = await new WorkflowExecute(
			additionalData,
			stored.saved.run.mode,
			data,
		).processRunExecutionData(workflow);
		const result: HarnessRun = {
			...stored.saved,
			run,
			output(nodeName: string, outputIndex = 0) {
				const runs = run.data.resultData.runData[nodeName];
				return (runs?.[runs.length - 1]?.data?.main?.[outputIndex] ?? []) as INodeExecutionData[];
			},
		};
		stored.result = result;
		stored.state = n8nStatus(run);
		if (stored.state === 'waiting') {
			// Parked again (a loop, a chain of callback waits): saved as waiting once more.
			stored.saved = result;
			this.waiting.set(stored.executionId, result);
			return result;
		}
		this.finished.set(stored.executionId, result);
		return result;
	}

	private async handleTrigger(req: WebhookRequest, res: ExpressLikeResponse): Promise<void> {
		const setup = this.trigger;
		if (!setup) {
			res.status(404).json({ message: 'trigger not set up' });
			return;
		}
		// LiveWebhooks: the active workflow with its static data, as saved.
		const workflow = new Workflow({
			...setup.workflowData,
			staticData: structuredClone(setup.staticData),
			nodeTypes,
		} as never);
		const additionalData = {
			...makeAdditionalData(
				{ credentials: setup.credentials, mode: setup.mode },
				`trigger-${this.triggerStarts.length}`,
				setup.workflowData,
			),
			httpRequest: req,
			httpResponse: res,
		} as unknown as IWorkflowExecuteAdditionalData;
		const result = await callWebhook(
			workflow,
			setup.node,
			additionalData,
			setup.mode,
			'veo3',
			null,
		);
		if ((workflow.staticData as IDataObject).__dataChanged === true) {
			const saved = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
			delete saved.__dataChanged;
			setup.staticData = saved;
		}
		if ('error' in result) {
			if (!res.headersSent) res.status(500).json({ code: 0, message: 'Error in workflow' });
			return;
		}
		if (result.workflowData === undefined) {
			if (!result.noWebhookResponse && !res.headersSent)
				res.status(200).json(result.webhookResponse ?? { message: 'Webhook call received' });
			return;
		}
		if (!result.noWebhookResponse && !res.headersSent)
			res.status(200).json({ message: 'Workflow was started' });
		this.triggerStarts.push({ outputs: result.workflowData, query: req.query as IDataObject });
	}
}

async function callWebhook(
	workflow: Workflow,
	node: INode,
	additionalData: IWorkflowExecuteAdditionalData,
	mode: WorkflowExecuteMode,
	path: string,
	runExecutionData: IRunExecutionData | null,
): Promise<IWebhookResponseData | { error: Error }> {
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const description = nodeType.description.webhooks![0];
	const webhookData = {
		httpMethod: 'POST',
		node: node.name,
		path,
		webhookDescription: description,
		workflowId: String(workflow.id),
	} as unknown as IWebhookData;
	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		mode,
		webhookData,
		[],
		runExecutionData,
	);
	try {
		return await nodeType.webhook!.call(context as never);
	} catch (error) {
		return { error: error as Error };
	}
}

/** Polls until `condition` holds (for asynchronous deliveries); fails with `label` after `timeoutMs`. */
export async function until(
	condition: () => boolean,
	timeoutMs = 5000,
	label = 'condition',
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`${label} not met within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}
