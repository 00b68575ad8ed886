/* A small stand-in for n8n's webhook layer, in process: a real HTTP server whose requests are
 * parsed as n8n's body parser does (rawBody + JSON body), handed to our nodes' webhook() through
 * n8n-core's real WebhookContext, and answered the way n8n answers (responseMode onReceived). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import { WebhookContext } from 'n8n-core';
import type { IDataObject, INode, INodeExecutionData, IRunExecutionData, IWebhookData, IWebhookResponseData, Workflow } from 'n8n-workflow';

import { nodeTypes, resumeExecution, runWorkflow, TRIGGER_TYPE, type HarnessCredentials, type HarnessRun } from './engine';

export interface ExpressLikeResponse extends ServerResponse {
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

async function readRequest(req: IncomingMessage, url: URL): Promise<IncomingMessage & IDataObject> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const rawBody = Buffer.concat(chunks);
	const request = req as IncomingMessage & IDataObject;
	request.rawBody = rawBody;
	request.query = Object.fromEntries(url.searchParams.entries());
	request.params = {};
	request.body = {};
	if (/json/i.test(String(req.headers['content-type'] ?? '')) && rawBody.length > 0) {
		request.body = JSON.parse(rawBody.toString('utf8'));
	} else if (rawBody.length > 0) {
		request.body = rawBody.toString('utf8');
	}
	return request;
}

async function callWebhook(
	workflow: Workflow,
	node: INode,
	run: { additionalData: HarnessRun['additionalData'] },
	runExecutionData: IRunExecutionData | null,
	req: IncomingMessage,
	res: ExpressLikeResponse,
	path: string,
): Promise<IWebhookResponseData> {
	const additionalData = { ...run.additionalData, httpRequest: req, httpResponse: res } as never;
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const description = nodeType.description.webhooks![0];
	const webhookData = { httpMethod: 'POST', node: node.name, path, webhookDescription: description, workflowId: String(workflow.id) } as unknown as IWebhookData;
	const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], runExecutionData);
	return await nodeType.webhook!.call(context as never);
}

export interface TriggerDelivery {
	status: number;
	body: unknown;
	/** What the trigger started: one entry per started execution, per output. */
	started?: INodeExecutionData[][];
}

export class CallbackServer {
	private server!: Server;
	url = '';
	private waiting = new Map<string, HarnessRun>();
	/** Executions after they resumed (or the latest state of each). */
	readonly finished = new Map<string, HarnessRun>();
	readonly triggerStarts: INodeExecutionData[][][] = [];
	private trigger?: { workflow: HarnessRun['workflow']; node: INode; run: HarnessRun };
	readonly log: Array<{ path: string; status: number }> = [];
	/** Whether /webhook-waiting/ checks the ?signature= token like n8n 2.x. */
	checkResumeToken = true;

	async start(): Promise<void> {
		this.server = createServer((req, res) => void this.handle(req, expressLike(res)));
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections?.();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	get waitingBaseUrl(): string {
		return `${this.url}/webhook-waiting`;
	}

	/** Registers a waiting execution so callbacks to its resume URL reach its Veo3 node. */
	park(run: HarnessRun): void {
		this.waiting.set(run.executionId, run);
	}

	/** Sets up the Veo3 Trigger node (parameters as in the editor) at <url>/webhook/veo3. */
	async useTrigger(parameters: IDataObject, credentials: HarnessCredentials): Promise<void> {
		const { node: makeNode } = await import('./engine');
		const triggerNode = makeNode('Veo3 Trigger', TRIGGER_TYPE, parameters);
		const base = await runWorkflowShell(triggerNode, credentials);
		this.trigger = { workflow: base.workflow, node: triggerNode, run: base };
	}

	get triggerUrl(): string {
		return `${this.url}/webhook/veo3`;
	}

	waitFor(executionId: string, timeoutMs = 10000): Promise<HarnessRun> {
		const started = Date.now();
		return new Promise((resolve, reject) => {
			const tick = () => {
				const done = this.finished.get(executionId);
				if (done) return resolve(done);
				if (Date.now() - started > timeoutMs) return reject(new Error(`execution ${executionId} did not resume in ${timeoutMs} ms`));
				setTimeout(tick, 20);
			};
			tick();
		});
	}

	private async handle(rawReq: IncomingMessage, res: ExpressLikeResponse): Promise<void> {
		const url = new URL(rawReq.url ?? '/', this.url);
		try {
			const req = await readRequest(rawReq, url).catch(() => undefined);
			if (!req) {
				// n8n's body parser answers malformed JSON itself, before any node runs.
				res.status(400).json({ message: 'Invalid JSON body' });
				return;
			}
			if (url.pathname.startsWith('/webhook-waiting/')) await this.handleWaiting(url, req, res);
			else if (url.pathname === '/webhook/veo3') await this.handleTrigger(req, res);
			else res.status(404).json({ message: 'not registered' });
		} catch (error) {
			if (!res.headersSent) res.status(500).json({ message: (error as Error).message });
		} finally {
			this.log.push({ path: url.pathname, status: res.statusCode });
		}
	}

	private async handleWaiting(url: URL, req: IncomingMessage, res: ExpressLikeResponse): Promise<void> {
		const executionId = url.pathname.split('/')[2];
		const run = this.waiting.get(executionId);
		if (!run) {
			res.status(this.finished.has(executionId) ? 409 : 404).json({ message: 'execution not waiting' });
			return;
		}
		const data = run.run.data as IRunExecutionData & { resumeToken?: string };
		if (this.checkResumeToken && data.resumeToken && url.searchParams.get('signature') !== data.resumeToken) {
			res.status(401).json({ error: 'Invalid token' });
			return;
		}
		const nodeName = data.resultData.lastNodeExecuted as string;
		const veo3 = run.workflow.getNode(nodeName) as INode;
		const result = await callWebhook(run.workflow, veo3, run, data, req, res, '').catch((error: Error) => ({ error }));
		if ('error' in result) {
			// n8n resumes the execution as failed when webhook() throws.
			this.waiting.delete(executionId);
			if (!res.headersSent) res.status(200).json({ message: 'Workflow was started' });
			this.finished.set(executionId, { ...run, run: { ...run.run, status: 'error', data: { ...data, resultData: { ...data.resultData, error: result.error as never } } } });
			return;
		}
		if (result.workflowData === undefined) {
			if (!result.noWebhookResponse && !res.headersSent) res.status(200).json({ message: 'Webhook call received' });
			return;
		}
		this.waiting.delete(executionId);
		res.status(200).json({ message: 'Workflow was started' });
		const resumed = await resumeExecution(run, result.workflowData);
		this.finished.set(executionId, resumed);
	}

	private async handleTrigger(req: IncomingMessage, res: ExpressLikeResponse): Promise<void> {
		if (!this.trigger) {
			res.status(404).json({ message: 'trigger not set up' });
			return;
		}
		const { workflow, node, run } = this.trigger;
		const result = await callWebhook(workflow, node, run, null, req, res, 'veo3');
		if (result.workflowData === undefined) {
			if (!result.noWebhookResponse && !res.headersSent) res.status(200).json({ message: 'Webhook call received' });
			return;
		}
		res.status(200).json({ message: 'Workflow was started' });
		this.triggerStarts.push(result.workflowData);
	}
}

/** A workflow object holding just the trigger node, for its webhook() context. */
async function runWorkflowShell(triggerNode: INode, credentials: HarnessCredentials): Promise<HarnessRun> {
	const { Workflow } = await import('n8n-workflow');
	const { ExecutionLifecycleHooks } = await import('n8n-core');
	void runWorkflow;
	const workflowData = { id: 'trigger-wf', name: 'trigger', active: true, nodes: [triggerNode], connections: {}, settings: {}, staticData: {} };
	const workflow = new Workflow({ ...workflowData, nodeTypes } as never);
	const creds = credentials as unknown as IDataObject;
	const additionalData = {
		credentialsHelper: {
			getDecrypted: async () => ({ ...creds }),
			getParentTypes: () => [],
			isCredentialUsableByNode: () => true,
			authenticate: async (_c: unknown, _t: string, r: unknown) => r,
			preAuthentication: async () => undefined,
		},
		hooks: new ExecutionLifecycleHooks('webhook', 'trigger', workflowData as never),
		variables: {},
		webhookWaitingBaseUrl: 'http://127.0.0.1:1/webhook-waiting',
		webhookBaseUrl: 'http://127.0.0.1:1/webhook',
		webhookTestBaseUrl: 'http://127.0.0.1:1/webhook-test',
		instanceBaseUrl: 'http://127.0.0.1:1',
		restApiUrl: 'http://127.0.0.1:1/rest',
		formWaitingBaseUrl: 'http://127.0.0.1:1/form-waiting',
	};
	return { workflow, additionalData: additionalData as never, executionId: 'trigger', run: {} as never, output: () => [] };
}
