// Drives a running n8n without the UI: the public API (X-N8N-API-KEY) for credentials, workflows
// and executions, plus the cookie-auth internal /rest API for what the public API lacks
// (node types, credential test). Calls verified on 2.41.1 and 1.123.x (docs/n8n-notes.md#rest-api).
import type { AxiosInstance, Method } from 'axios';

import { CookieSession, HttpError, plainClient } from './http';
import type { N8nHandle } from './n8n';

export interface WorkflowJson {
	name: string;
	nodes: Array<Record<string, any>>;
	connections: Record<string, any>;
	settings?: Record<string, any>;
	staticData?: unknown;
	[key: string]: unknown;
}

interface Workflow extends WorkflowJson {
	id: string;
	active: boolean;
}

export type ExecutionStatus =
	| 'new'
	| 'running'
	| 'waiting'
	| 'success'
	| 'error'
	| 'crashed'
	| 'canceled'
	| 'unknown';

export interface Execution {
	id: string;
	workflowId: string;
	status: ExecutionStatus;
	finished: boolean;
	mode: string;
	startedAt: string;
	stoppedAt: string | null;
	waitTill: string | null;
	/** Present with includeData=true: the run data (data.resultData.runData[<node>][run].data.main[0][i].json). */
	data?: any;
}

interface CredentialTestResult {
	ok: boolean;
	/** n8n's own status string: 'OK' or 'Error'. */
	status: string;
	message: string;
}

interface NodeTypeInfo {
	name: string;
	displayName: string;
	version: number | number[];
	[key: string]: unknown;
}

export const FINISHED_STATUSES: ExecutionStatus[] = ['success', 'error', 'crashed', 'canceled'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class N8nApi {
	/** Private (#) so neither console.log(api) nor a jest diff can print it. */
	readonly #apiKey: string;
	readonly #credentialData = new Map<
		string,
		{ name: string; type: string; data: Record<string, unknown> }
	>();
	private readonly publicHttp: AxiosInstance;
	private nodeTypesCache: NodeTypeInfo[] | null = null;

	constructor(
		readonly n8n: N8nHandle,
		/** Logged-in owner session for /rest calls. */
		readonly session: CookieSession,
		apiKey: string,
		readonly owner: { email: string; password: string },
	) {
		this.#apiKey = apiKey;
		this.publicHttp = plainClient(n8n.baseUrl);
	}

	/** Any public API call (/api/v1<path>); throws HttpError unless 2xx. */
	async publicApi<T = any>(method: Method, path: string, body?: unknown): Promise<T> {
		const res = await this.publicApiRaw(method, path, body);
		if (res.status < 200 || res.status >= 300)
			throw new HttpError(method, `/api/v1${path}`, res.status, res.data);
		return res.data as T;
	}

	async publicApiRaw(method: Method, path: string, body?: unknown) {
		// A bodiless POST would go out as x-www-form-urlencoded, which 2.x answers with 415.
		const data =
			body ??
			(method.toUpperCase() === 'GET' || method.toUpperCase() === 'DELETE' ? undefined : {});
		return await this.publicHttp.request({
			method,
			url: `/api/v1${path}`,
			data,
			headers: { 'X-N8N-API-KEY': this.#apiKey },
		});
	}

	/** Any internal /rest call with the owner's cookie; unwraps `{ data }`. */
	async rest<T = any>(method: Method, path: string, body?: unknown): Promise<T> {
		return await this.session.rest<T>(method, path, body);
	}

	// ---- credentials -------------------------------------------------------------------------

	/**
	 * Creates a credential (plain data in; n8n encrypts it). The data is kept in memory for testCredential().
	 * n8n adds an "Allowed HTTP Request Domains" option to credential types, and 1.123 validates
	 * the body with a JSON schema whose if/then also fires when that option is *absent*, rejecting
	 * the body with `requires property "allowedDomains"`. So the option's default ('all') is sent
	 * explicitly when the type's schema has it and the caller didn't set it.
	 */
	async createCredential(
		type: string,
		name: string,
		data: Record<string, unknown>,
	): Promise<{ id: string; name: string; type: string }> {
		const body = { name, type, data: { ...data } };
		if (!('allowedHttpRequestDomains' in data)) {
			const schema = await this.publicApi<{ properties?: Record<string, unknown> }>(
				'GET',
				`/credentials/schema/${type}`,
			);
			if (schema.properties && 'allowedHttpRequestDomains' in schema.properties)
				body.data.allowedHttpRequestDomains = 'all';
		}
		const created = await this.publicApi<{ id: string; name: string; type: string }>(
			'POST',
			'/credentials',
			body,
		);
		this.#credentialData.set(created.id, { name, type, data });
		return { id: created.id, name: created.name, type: created.type };
	}

	/**
	 * Runs the credential type's `test` request, like the editor's "Test" button:
	 * POST /rest/credentials/test with `{ credentials: { id, name, type, data } }`. The id must be a
	 * stored credential the user can read (n8n merges the stored secret into redacted fields).
	 * Response: `{ status: 'OK' | 'Error', message }` (packages/cli/src/credentials/credentials.controller.ts).
	 */
	async testCredential(
		id: string,
		dataOverride?: Record<string, unknown>,
	): Promise<CredentialTestResult> {
		const known = this.#credentialData.get(id);
		if (!known)
			throw new Error(`testCredential: credential ${id} was not created through this client`);
		const credentials = {
			id,
			name: known.name,
			type: known.type,
			data: dataOverride ?? known.data,
		};
		const result = await this.rest<{ status: string; message: string }>(
			'POST',
			'/credentials/test',
			{ credentials },
		);
		return { ok: result.status === 'OK', status: result.status, message: result.message };
	}

	// ---- workflows ---------------------------------------------------------------------------

	/** Creates a workflow from editor-style JSON; fields the public API rejects (id, active, tags, pinData…) are dropped. */
	async createWorkflow(json: WorkflowJson): Promise<Workflow> {
		const body = {
			name: json.name,
			nodes: json.nodes,
			connections: json.connections,
			settings: json.settings ?? { executionOrder: 'v1' },
			...(json.staticData !== undefined ? { staticData: json.staticData } : {}),
		};
		return await this.publicApi<Workflow>('POST', '/workflows', body);
	}

	async getWorkflow(id: string): Promise<Workflow> {
		return await this.publicApi<Workflow>('GET', `/workflows/${id}`);
	}

	/**
	 * Activates (1.x, 2.x) or publishes (2.x's newer name) a workflow, then waits until its
	 * production webhooks are registered: activation registers them asynchronously and a call
	 * right after it can get a 404 (docs/n8n-notes.md#pitfall-async-activation).
	 * @param webhookPaths paths under /webhook/ to wait for; default: the `path` of every Webhook node.
	 */
	async activateWorkflow(
		id: string,
		options: { webhookPaths?: string[]; timeoutMs?: number } = {},
	): Promise<Workflow> {
		let res = await this.publicApiRaw('POST', `/workflows/${id}/activate`);
		if (res.status === 404 || res.status === 405)
			res = await this.publicApiRaw('POST', `/workflows/${id}/publish`);
		if (res.status < 200 || res.status >= 300)
			throw new HttpError('POST', `/api/v1/workflows/${id}/activate`, res.status, res.data);
		const workflow = res.data as Workflow;
		const paths =
			options.webhookPaths ??
			workflow.nodes
				.filter((n) => n.type === 'n8n-nodes-base.webhook' && !n.disabled)
				.map((n) => String(n.parameters?.path ?? ''));
		const deadline = Date.now() + (options.timeoutMs ?? 30_000);
		for (const p of paths) await this.waitForWebhook(p, deadline);
		return workflow;
	}

	async deactivateWorkflow(id: string): Promise<void> {
		const res = await this.publicApiRaw('POST', `/workflows/${id}/deactivate`);
		if (res.status === 404 || res.status === 405)
			await this.publicApi('POST', `/workflows/${id}/unpublish`);
		else if (res.status < 200 || res.status >= 300)
			throw new HttpError('POST', `/api/v1/workflows/${id}/deactivate`, res.status, res.data);
	}

	/**
	 * Waits until a production webhook is registered. Probes with OPTIONS (the CORS preflight n8n
	 * answers from its webhook registry), so probing never starts an execution: 204 with
	 * Access-Control-Allow-Methods once registered; before that both 1.123 and 2.41 answer 500
	 * ("The requested webhook … is not registered").
	 */
	async waitForWebhook(webhookPath: string, deadline = Date.now() + 30_000): Promise<void> {
		const url = this.n8n.webhookUrl(webhookPath);
		const http = plainClient(this.n8n.baseUrl, 5_000);
		let last = 0;
		while (Date.now() < deadline) {
			last = (
				await http.request({
					method: 'OPTIONS',
					url,
					headers: { origin: this.n8n.baseUrl, 'access-control-request-method': 'POST' },
				})
			).status;
			if (last >= 200 && last < 300) return;
			await sleep(100);
		}
		throw new Error(
			`webhook ${url} not registered after activation (OPTIONS probe: last status ${last})`,
		);
	}

	// ---- executions --------------------------------------------------------------------------

	async getExecutions(
		filter: {
			workflowId?: string;
			status?: ExecutionStatus;
			includeData?: boolean;
			limit?: number;
		} = {},
	): Promise<Execution[]> {
		const q = new URLSearchParams();
		if (filter.workflowId) q.set('workflowId', filter.workflowId);
		if (filter.status) q.set('status', filter.status);
		if (filter.includeData) q.set('includeData', 'true');
		q.set('limit', String(filter.limit ?? 100));
		const res = await this.publicApi<{ data: Execution[] }>('GET', `/executions?${q}`);
		return res.data.map(normalizeExecution);
	}

	async getExecution(id: string | number, includeData = true): Promise<Execution> {
		return normalizeExecution(
			await this.publicApi<Execution>('GET', `/executions/${id}?includeData=${includeData}`),
		);
	}

	/**
	 * Polls the executions list (newest first, with data) until one matches, e.g. the execution a
	 * trigger started, whose id the test doesn't know. Caveat: 1.123's public list leaves out
	 * executions that are still running or waiting (2.41 includes them); to wait for a `waiting`
	 * execution whose id is known, use waitForExecutionStatus().
	 */
	async waitForExecution(
		predicate: (execution: Execution) => boolean,
		timeoutMs = 60_000,
		filter: { workflowId?: string; includeData?: boolean } = {},
	): Promise<Execution> {
		const deadline = Date.now() + timeoutMs;
		let seen: Execution[] = [];
		while (Date.now() < deadline) {
			seen = await this.getExecutions({
				workflowId: filter.workflowId,
				includeData: filter.includeData ?? true,
				limit: 50,
			});
			const hit = seen.find(predicate);
			if (hit) return hit;
			await sleep(250);
		}
		const summary = seen.map((e) => `#${e.id} ${e.status}`).join(', ') || 'none';
		throw new Error(
			`waitForExecution: no matching execution within ${timeoutMs} ms (seen: ${summary})`,
		);
	}

	/** Polls GET /executions/<id> until its status is one of `statuses`. Works for waiting executions on every version. */
	async waitForExecutionStatus(
		id: string | number,
		statuses: ExecutionStatus[],
		timeoutMs = 60_000,
	): Promise<Execution> {
		const deadline = Date.now() + timeoutMs;
		let last: Execution | undefined;
		while (Date.now() < deadline) {
			last = await this.getExecution(id, true);
			if (statuses.includes(last.status)) return last;
			await sleep(250);
		}
		throw new Error(
			`execution ${id} did not reach ${statuses.join('/')} within ${timeoutMs} ms (status ${last?.status})`,
		);
	}

	/** Waits for execution `id` to reach a final status (success/error/crashed/canceled). */
	async waitForExecutionDone(id: string | number, timeoutMs = 60_000): Promise<Execution> {
		return await this.waitForExecutionStatus(id, FINISHED_STATUSES, timeoutMs);
	}

	/**
	 * Runs a workflow once "manually", like the editor's Execute button but through the CLI
	 * (`n8n execute --id --rawOutput`): the REST /run endpoint needs the editor's push
	 * connection and changes shape between versions. Suits workflows that start with a Manual
	 * Trigger; webhook-started workflows are driven by calling their webhook instead.
	 * Returns the parsed run data (the last JSON document n8n prints).
	 */
	async runManual(workflowId: string, timeoutMs = 120_000): Promise<any> {
		const res = await this.n8n.runCli(['execute', `--id=${workflowId}`, '--rawOutput'], timeoutMs);
		const parsed = lastJsonDocument(res.stdout);
		// Exit code null: a signal ended the CLI. n8n 2.x's execute command, shutting down its task
		// runner after printing the run, occasionally ends that way; the printed run is complete.
		if ((res.code !== 0 && res.code !== null) || parsed === undefined) {
			throw new Error(
				`n8n execute --id=${workflowId} failed (exit ${res.code}):\n${(res.stdout + res.stderr).slice(-2000)}`,
			);
		}
		return parsed;
	}

	// ---- node types --------------------------------------------------------------------------

	/** All node types the instance loaded (GET /types/nodes.json, ~18 MB; cached per client). */
	async getNodeTypes(refresh = false): Promise<NodeTypeInfo[]> {
		if (this.nodeTypesCache && !refresh) return this.nodeTypesCache;
		const res = await this.session.request<NodeTypeInfo[]>(
			'GET',
			'/types/nodes.json',
			undefined,
			120_000,
		);
		if (res.status !== 200 || !Array.isArray(res.data))
			throw new HttpError('GET', '/types/nodes.json', res.status, res.data);
		this.nodeTypesCache = res.data;
		return res.data;
	}

	/** e.g. hasNodeType('n8n-nodes-veo3.veo3') */
	async hasNodeType(name: string): Promise<boolean> {
		return (await this.getNodeTypes()).some((t) => t.name === name);
	}

	/** Credential types the instance knows (GET /types/credentials.json). */
	async getCredentialTypes(): Promise<Array<{ name: string; displayName: string }>> {
		const res = await this.session.request('GET', '/types/credentials.json', undefined, 60_000);
		if (res.status !== 200 || !Array.isArray(res.data))
			throw new HttpError('GET', '/types/credentials.json', res.status, res.data);
		return res.data;
	}
}

function normalizeExecution(e: any): Execution {
	return { ...e, id: String(e.id), workflowId: String(e.workflowId) };
}

/** `n8n execute --rawOutput` prints log lines before the JSON; take the last parseable JSON document. */
function lastJsonDocument(stdout: string): unknown {
	// n8n may log lines (e.g. 'Registered runner "JS Task Runner"') after the document, so the
	// document is the last block that starts and ends at column 0 and parses.
	const lines = stdout.split('\n');
	for (let start = lines.length - 1; start >= 0; start--) {
		if (!/^[[{]/.test(lines[start])) continue;
		for (let end = lines.length - 1; end >= start; end--) {
			if (!/^[\]}]/.test(lines[end])) continue;
			try {
				return JSON.parse(lines.slice(start, end + 1).join('\n'));
			} catch {
				// not a whole document; try a shorter or an earlier one
			}
		}
	}
	return undefined;
}
