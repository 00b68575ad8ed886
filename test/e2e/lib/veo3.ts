// Veo3-specific helpers for the real-n8n scenarios, the example-workflow test and the demo:
// the simulator + `veo3Api` credential setup, small workflow builders (node types with the
// community prefix `n8n-nodes-veo3.`), the examples/ loader and readers for execution data.
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import type { N8nApi, Execution, WorkflowJson } from './api';
import { plainClient } from './http';
import { startN8n, type N8nHandle } from './n8n';
import { setupOwner } from './owner';
import { ourPackageDirForTests } from './package-link';
import { sharedInstance } from './shared-n8n';
import { REPO_ROOT, type N8nVersion } from './paths';
import { startSimulatorForE2E } from './simulator';

export const VEO3_TYPE = 'n8n-nodes-veo3.veo3';
export const VEO3_TRIGGER_TYPE = 'n8n-nodes-veo3.veo3Trigger';
export const VEO3_TOOL_TYPE = 'n8n-nodes-veo3.veo3Tool';
const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
/** The credential name every example refers to (examples/*.json leave its id empty for the user). */
export const EXAMPLE_CREDENTIAL_NAME = 'Veo3 (kie.ai) account';
/** The Veo3 Trigger webhookId of examples/callback-trigger.json; callback-generate.json's Callback URL points at it. */
export const EXAMPLE_TRIGGER_PATH = '5f0c2a71-9b3e-4c8a-a6d2-0e7b1f3c9d41/veo3';
/** Origin the examples assume for n8n (its default), replaced by the real one in tests and the demo. */
export const EXAMPLE_N8N_ORIGIN = 'http://localhost:5678';
/** Folder the disk-writing example writes to (n8n 2.x's default allowed folder in Docker). */
export const EXAMPLE_OUTPUT_DIR = '/home/node/.n8n-files';
/** Third-party nodes in the examples that need the user's own accounts. */
export const EXAMPLE_THIRD_PARTY_TYPES = ['n8n-nodes-base.googleDrive', 'n8n-nodes-base.slack'];

/**
 * Quick polling for the simulator (the node's Options): first status check after 0.2 s, give up
 * after 1 minute. Resend delays are hidden node-level tuning, not options (docs/tuning.md).
 */
export const E2E_POLL = { pollIntervalSeconds: 0.2, maxWaitMinutes: 1 };

/** Generate parameters (Text to Video, Fast, 16:9, quick polling); the prompt comes from the item or the webhook body. */
export function generateParameters(
	extra: Record<string, unknown> = {},
	options: Record<string, unknown> = {},
): Record<string, unknown> {
	return {
		resource: 'video',
		operation: 'generate',
		prompt: '={{ $json.prompt ?? $json.body.prompt }}',
		mode: 'text',
		model: 'veo3_fast',
		aspectRatio: '16:9',
		...extra,
		options: { ...E2E_POLL, ...options },
	};
}

export interface Veo3Setup {
	/** The running simulator (simulator/index.ts RunningSimulator). */
	sim: any;
	apiKey: string;
	hmacKey: string;
	credential: { id: string; name: string; type: string };
	/** For a node's `credentials` field: `{ veo3Api: { id, name } }`. */
	credentials: Record<string, { id: string; name: string }>;
}

interface Veo3SetupOptions {
	/** Simulator options (simulator/config.ts ConfigPatch); profile fast by default. */
	simulator?: Record<string, unknown>;
	credentialName?: string;
	apiKey?: string;
	hmacKey?: string;
}

/**
 * Starts the kie.ai simulator (registered for cleanup) and creates a `veo3Api` credential in n8n
 * pointing at it, with the HMAC key so callbacks are verified.
 */
export async function setupVeo3(api: N8nApi, options: Veo3SetupOptions = {}): Promise<Veo3Setup> {
	const apiKey = options.apiKey ?? `sk-e2e-${randomUUID().slice(0, 8)}`;
	const hmacKey = options.hmacKey ?? `hmac-e2e-${randomUUID().slice(0, 8)}`;
	const sim = await startSimulatorForE2E({
		profile: 'fast',
		rateLimit: { max: 1000 },
		...options.simulator,
		apiKey,
		hmacKey,
	});
	const credential = await api.createCredential(
		'veo3Api',
		options.credentialName ?? EXAMPLE_CREDENTIAL_NAME,
		{
			apiKey,
			baseUrl: sim.url,
			uploadBaseUrl: sim.uploadUrl,
			webhookHmacSecret: hmacKey,
		},
	);
	return {
		sim,
		apiKey,
		hmacKey,
		credential,
		credentials: { veo3Api: { id: credential.id, name: credential.name } },
	};
}

export interface Veo3Instance {
	n8n: N8nHandle;
	api: N8nApi;
	veo: Veo3Setup;
	/** Stops the simulator and n8n. */
	stop(): Promise<void>;
}

/** The simulator and credential of a Veo3Instance on `n8n`; stop() stops the simulator, then `release`s n8n. */
async function withVeo3(
	n8n: N8nHandle,
	api: N8nApi,
	release: () => Promise<void>,
): Promise<Veo3Instance> {
	const veo = await setupVeo3(api);
	return {
		n8n,
		api,
		veo,
		stop: async () => {
			await veo.sim.stop();
			await release();
		},
	};
}

/** One n8n with our package, its owner and API key, and the simulator behind a `veo3Api` credential. */
export async function startVeo3Instance(
	version: N8nVersion,
	env: Record<string, string> = {},
): Promise<Veo3Instance> {
	const n8n = await startN8n({ version, packageDir: ourPackageDirForTests(), env });
	console.log(`[e2e] ${n8n.name} ready in ${n8n.startupMs} ms`);
	return await withVeo3(n8n, await setupOwner(n8n), async () => await n8n.stop());
}

/**
 * The shared n8n of a version (lib/shared-n8n.ts) with a simulator and credential of the caller's
 * own. stop() leaves n8n running for the next file but deactivates every active workflow, so that
 * file finds no webhook of this one registered.
 */
async function attachVeo3Instance(shared: { n8n: N8nHandle; api: N8nApi }): Promise<Veo3Instance> {
	const { n8n, api } = shared;
	return await withVeo3(n8n, api, async () => {
		const active = await api.publicApi<{ data: Array<{ id: string }> }>(
			'GET',
			'/workflows?active=true&limit=250',
		);
		for (const wf of active.data) await api.deactivateWorkflow(wf.id);
		console.log(`[e2e] ${n8n.name}: deactivated the ${active.data.length} active workflow(s)`);
	});
}

interface UseVeo3InstanceOptions {
	/** Extra n8n environment; a function when it depends on what an earlier beforeAll made. */
	env?: Record<string, string> | (() => Record<string, string>);
	/** Reset the simulator before each test (default true). */
	resetEachTest?: boolean;
}

/**
 * A live view of `current()`'s value: every property read goes to the object of the moment, so
 * a describe block can hand out `n8n`, `api` and `veo` before beforeAll has started anything.
 */
function lateBound<T extends object>(current: () => T | undefined, what: string): T {
	const target = (): T => {
		const value = current();
		if (!value) throw new Error(`${what} used before useVeo3Instance's beforeAll started n8n`);
		return value;
	};
	return new Proxy({} as T, {
		get(_, key) {
			const real = target();
			const value = Reflect.get(real, key, real) as unknown;
			return typeof value === 'function' ? value.bind(real) : value;
		},
		has: (_, key) => Reflect.has(target(), key),
		ownKeys: () => Reflect.ownKeys(target()),
		getOwnPropertyDescriptor: (_, key) => {
			const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
			return descriptor && { ...descriptor, configurable: true };
		},
	});
}

/**
 * The jest hooks of a describe block that drives one Veo3 instance: started in beforeAll
 * (without `env`, on the run's shared n8n when there is one, lib/shared-n8n.ts; else
 * startVeo3Instance), stopped in afterAll, the simulator reset before each test. The returned `n8n`,
 * `api` and `veo` are usable in tests and in helpers the block defines.
 */
export function useVeo3Instance(
	version: N8nVersion,
	options: UseVeo3InstanceOptions = {},
): Pick<Veo3Instance, 'n8n' | 'api' | 'veo'> {
	let instance: Veo3Instance | undefined;
	beforeAll(async () => {
		const env = typeof options.env === 'function' ? options.env() : options.env;
		const shared = env ? undefined : sharedInstance(version);
		if (shared) console.log(`[e2e] using ${shared.n8n.name}`);
		instance = shared ? await attachVeo3Instance(shared) : await startVeo3Instance(version, env);
	}, 300_000);
	afterAll(async () => await instance?.stop(), 60_000);
	if (options.resetEachTest !== false) beforeEach(() => instance?.veo.sim.reset());
	return {
		n8n: lateBound(() => instance?.n8n, 'n8n'),
		api: lateBound(() => instance?.api, 'api'),
		veo: lateBound(() => instance?.veo, 'veo'),
	};
}

// ---- workflow builders -----------------------------------------------------------------------

type Node = Record<string, any>;

let x = 0;
function position(): [number, number] {
	x += 220;
	return [x, 300];
}

export function webhookNode(
	webhookPath: string,
	responseMode: 'onReceived' | 'lastNode' | 'responseNode' = 'lastNode',
	name = 'Webhook',
): Node {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: position(),
		webhookId: randomUUID(),
		parameters: {
			httpMethod: 'POST',
			path: webhookPath,
			responseMode,
			...(responseMode === 'lastNode' ? { responseData: 'allEntries' } : {}),
			options: {},
		},
	};
}

/** Respond to Webhook with `{ executionId }`, so a test learns the id of an execution that will wait. */
export function respondWithExecutionIdNode(name = 'Respond'): Node {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.respondToWebhook',
		typeVersion: 1.1,
		position: position(),
		parameters: {
			respondWith: 'json',
			responseBody: '={{ JSON.stringify({ executionId: $execution.id }) }}',
			options: {},
		},
	};
}

/** Split Out of `field` (a list of strings) into one item per entry, as `{ prompt }`. */
export function splitOutNode(field: string, destination = 'prompt', name = 'Split Out'): Node {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: position(),
		parameters: {
			fieldToSplitOut: field,
			include: 'noOtherFields',
			options: { destinationFieldName: destination },
		},
	};
}

export function veo3Node(
	parameters: Record<string, unknown>,
	credentials: Veo3Setup['credentials'],
	extra: Node = {},
	name = 'Veo3',
): Node {
	return {
		id: randomUUID(),
		name,
		type: VEO3_TYPE,
		typeVersion: 1,
		position: position(),
		parameters,
		credentials,
		...extra,
	};
}

export function veo3TriggerNode(
	credentials: Veo3Setup['credentials'],
	parameters: Record<string, unknown> = {},
	name = 'Veo3 Trigger',
): Node {
	return {
		id: randomUUID(),
		name,
		type: VEO3_TRIGGER_TYPE,
		typeVersion: 1,
		position: position(),
		webhookId: randomUUID(),
		parameters: {
			events: ['success', 'failure', 'fourK'],
			separateOutputs: false,
			options: {},
			...parameters,
		},
		credentials,
	};
}

export function noOpNode(name = 'After'): Node {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: position(),
		parameters: {},
	};
}

/** n8n's "Read/Write Files from Disk" node, writing binary field `data` to `fileName`. */
export function writeFileNode(fileName: string, name = 'Write File'): Node {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		position: position(),
		parameters: { operation: 'write', fileName, dataPropertyName: 'data', options: {} },
	};
}

/** A linear workflow: each node's main output 0 feeds the next. */
export function chain(name: string, nodes: Node[]): WorkflowJson {
	const connections: Record<string, any> = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Production URL of a Veo3 Trigger node: /webhook/<webhookId>/veo3 (n8n prefixes the node's path with its webhookId). */
export function triggerPath(trigger: Node): string {
	return `${trigger.webhookId}/veo3`;
}

// ---- examples ---------------------------------------------------------------------------------

export function listExamples(): string[] {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort();
}

export function readExample(file: string): WorkflowJson {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as WorkflowJson;
}

/**
 * Makes an example runnable in a given instance: every `veo3Api` credential reference gets the
 * id of `credential`; nodes whose types are in `disableTypes` (Google Drive, Slack: no
 * credentials here) are set `disabled: true` and lose their credential references.
 */
export function prepareExample(
	example: WorkflowJson,
	credential: { id: string; name: string },
	options: {
		disableTypes?: string[];
		/** Node types whose credential references are removed (left for the user to pick). */
		stripCredentialsOf?: string[];
		replace?: Array<[string, string]>;
		/** Sets Options → Poll Interval on every Veo3 node (the examples keep kie.ai's 15 s default). */
		pollIntervalSeconds?: number;
	} = {},
): WorkflowJson {
	let text = JSON.stringify(example);
	for (const [from, to] of options.replace ?? []) text = text.split(from).join(to);
	const copy = JSON.parse(text) as WorkflowJson;
	for (const node of copy.nodes) {
		if (node.credentials?.veo3Api)
			node.credentials.veo3Api = { id: credential.id, name: credential.name };
		if (options.disableTypes?.includes(node.type)) {
			node.disabled = true;
			delete node.credentials;
		}
		if (options.stripCredentialsOf?.includes(node.type)) delete node.credentials;
		if (options.pollIntervalSeconds !== undefined && node.type === VEO3_TYPE) {
			node.parameters = {
				...node.parameters,
				options: { ...node.parameters?.options, pollIntervalSeconds: options.pollIntervalSeconds },
			};
		}
	}
	return copy;
}

// ---- reading results --------------------------------------------------------------------------

/** Items (json + binary meta) a node output in its last run, on output `output`. */
export function nodeOutput(
	execution: Execution | any,
	nodeName: string,
	output = 0,
): Array<{ json: any; binary?: any }> {
	const runData =
		(execution.data ?? execution)?.resultData?.runData ?? execution?.data?.resultData?.runData;
	const runs = runData?.[nodeName];
	if (!runs?.length) return [];
	return runs[runs.length - 1]?.data?.main?.[output] ?? [];
}

/** How many times a node ran in an execution. */
export function nodeRuns(execution: Execution | any, nodeName: string): number {
	const runData = (execution.data ?? execution)?.resultData?.runData;
	return runData?.[nodeName]?.length ?? 0;
}

export function executionError(execution: Execution | any): string {
	const error = (execution.data ?? execution)?.resultData?.error;
	return error ? `${error.message ?? ''} ${error.description ?? ''}` : '';
}

/** POSTs JSON to a production webhook of the instance; returns status and parsed body. */
export async function callWebhook(
	n8n: N8nHandle,
	webhookPath: string,
	body: unknown = {},
	timeoutMs = 120_000,
): Promise<{ status: number; data: any }> {
	const res = await plainClient(n8n.baseUrl, timeoutMs).post(n8n.webhookUrl(webhookPath), body, {
		headers: { 'Content-Type': 'application/json' },
	});
	let data = res.data;
	if (typeof data === 'string') {
		try {
			data = JSON.parse(data);
		} catch {
			// not JSON: keep the text
		}
	}
	return { status: res.status, data };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(
	probe: () => T | Promise<T>,
	timeoutMs: number,
	label: string,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`${label}: not met within ${timeoutMs} ms`);
		await sleep(100);
	}
}

/** The bytes a plain HTTP client gets from a URL (e.g. a simulator result file). */
export async function fetchBinary(url: string): Promise<Buffer> {
	const res = await plainClient(undefined, 60_000).get<ArrayBuffer>(url, {
		responseType: 'arraybuffer',
	});
	if (res.status !== 200) throw new Error(`GET ${url} -> HTTP ${res.status}`);
	return Buffer.from(res.data);
}
