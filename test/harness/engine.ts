/* In-process n8n: real workflows through n8n-core's WorkflowExecute, with our nodes loaded from
 * source, a credentials helper that applies the credential's own `authenticate`, filesystem binary
 * data, and the wait/resume steps n8n's CLI performs (WaitingWebhooks + prepareExecutionData). */
import './env';
import 'reflect-metadata';

import { randomUUID } from 'crypto';
import { dirname } from 'path';

import {
	BinaryDataService,
	ExecuteContext,
	ExecutionLifecycleHooks,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IRun,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { Veo3Api } from '../../credentials/Veo3Api.credentials';
import { Veo3 } from '../../nodes/Veo3/Veo3.node';
import { Veo3Trigger } from '../../nodes/Veo3Trigger/Veo3Trigger.node';
import { ItemsSource } from './itemsSource';
import { LoopOverItems } from './loopNode';

// n8n-core must share one DI container with the services it resolves (see recipes: @n8n/node-cli
// brings an older @n8n/di to the top level), so take the copy n8n-core itself resolves.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require(
	require.resolve('@n8n/di', { paths: [dirname(require.resolve('n8n-core'))] }),
);

export const VEO3_TYPE = 'n8n-nodes-veo3.veo3';
export const TRIGGER_TYPE = 'n8n-nodes-veo3.veo3Trigger';
export const ITEMS_TYPE = 'test.itemsSource';
export const LOOP_TYPE = 'test.loopOverItems';

export const VEO3_TOOL_TYPE = 'n8n-nodes-veo3.veo3Tool';

/**
 * The AI-agent tool variant of a node, made the way n8n makes it for every node with
 * `usableAsTool` (its convertNodeToAiTool): name + "Tool", no main input, an ai_tool output, same
 * execute(). n8n 2's AI Agent runs this variant as an ordinary node for each tool call.
 */
function toolVariant(nodeType: INodeType): INodeType {
	const description = {
		...nodeType.description,
		name: `${nodeType.description.name}Tool`,
		displayName: `${nodeType.description.displayName} Tool`,
		inputs: [],
		outputs: ['ai_tool'],
	};
	delete description.usableAsTool;
	return Object.assign(Object.create(nodeType) as INodeType, { description });
}

const nodeTypeMap: Record<string, INodeType> = {
	[VEO3_TYPE]: new Veo3(),
	[VEO3_TOOL_TYPE]: toolVariant(new Veo3()),
	[TRIGGER_TYPE]: new Veo3Trigger(),
	[ITEMS_TYPE]: new ItemsSource(),
	[LOOP_TYPE]: new LoopOverItems(),
};

export const nodeTypes = {
	getByName: (type: string) => nodeTypeMap[type],
	getByNameAndVersion: (type: string, version?: number) =>
		NodeHelpers.getVersionedNodeType(nodeTypeMap[type], version),
	getKnownTypes: () => ({}),
};

let binaryReady: Promise<void> | undefined;
async function initBinaryData(): Promise<void> {
	binaryReady ??= Container.get(BinaryDataService).init();
	await binaryReady;
}

export function binaryService(): BinaryDataService {
	return Container.get(BinaryDataService);
}

const credentialType = new Veo3Api();

/** Applies the credential's generic `authenticate` ({{$credentials.x}} in headers), as n8n does. */
function authenticateRequest(
	credentials: ICredentialDataDecryptedObject,
	request: IDataObject,
): IDataObject {
	const headers = { ...((request.headers as IDataObject) ?? {}) };
	const generic = credentialType.authenticate.properties.headers ?? {};
	for (const [name, template] of Object.entries(generic)) {
		headers[name] = String(template)
			.replace(/^=/, '')
			.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) =>
				String(credentials[key] ?? ''),
			);
	}
	return { ...request, headers };
}

export interface HarnessCredentials {
	apiKey: string;
	baseUrl: string;
	uploadBaseUrl: string;
	webhookHmacSecret?: string;
}

interface WorkflowSpec {
	nodes: INode[];
	connections: IConnections;
	credentials: HarnessCredentials;
	/** Base URL the resume URL is built from ($execution.resumeUrl = <base>/<executionId>). */
	webhookWaitingBaseUrl?: string;
	mode?: WorkflowExecuteMode;
	continueOnFail?: boolean;
	/** The workflow's saved static data, as n8n loads it for a production execution. */
	staticData?: IDataObject;
	/** Runs of one workflow share an id (default: a new workflow per run). */
	workflowId?: string;
}

export interface HarnessRun {
	workflow: Workflow;
	additionalData: IWorkflowExecuteAdditionalData;
	executionId: string;
	run: IRun;
	/** Items a node output on its last run (first output by default). */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** Requests captured by the credentials helper (what the node asked to send). */
}

/**
 * How many times nodes read (decrypted) a credential. Inside a webhook, n8n 2.x starts an
 * expression isolate for every read (about 100 ms), so callback handlers are held to one.
 */
export const credentialReads = { count: 0 };

export function makeAdditionalData(
	spec: Pick<WorkflowSpec, 'credentials' | 'mode' | 'webhookWaitingBaseUrl'>,
	executionId: string,
	workflowData: IDataObject,
): IWorkflowExecuteAdditionalData {
	const base = 'http://127.0.0.1:1/unused';
	const credentials = spec.credentials as unknown as ICredentialDataDecryptedObject;
	return {
		credentialsHelper: {
			getDecrypted: async () => {
				credentialReads.count++;
				return { ...credentials };
			},
			getParentTypes: () => [],
			isCredentialUsableByNode: () => true,
			authenticate: async (c: ICredentialDataDecryptedObject, _t: string, r: IDataObject) =>
				authenticateRequest(c, r),
			preAuthentication: async () => undefined,
			runPreAuthentication: async () => undefined,
		},
		hooks: new ExecutionLifecycleHooks(spec.mode ?? 'manual', executionId, workflowData as never),
		currentNodeExecutionIndex: 0,
		variables: {},
		executionId,
		restApiUrl: base,
		instanceBaseUrl: base,
		formBaseUrl: base,
		formWaitingBaseUrl: base,
		formTestBaseUrl: base,
		webhookBaseUrl: base,
		webhookWaitingBaseUrl: spec.webhookWaitingBaseUrl ?? 'http://127.0.0.1:1/webhook-waiting',
		webhookTestBaseUrl: base,
		mcpBaseUrl: base,
		mcpTestBaseUrl: base,
	} as unknown as IWorkflowExecuteAdditionalData;
}

function wrapRun(
	workflow: Workflow,
	additionalData: IWorkflowExecuteAdditionalData,
	executionId: string,
	run: IRun,
): HarnessRun {
	return {
		workflow,
		additionalData,
		executionId,
		run,
		output(nodeName: string, outputIndex = 0) {
			const runs = run.data.resultData.runData[nodeName];
			const last = runs?.[runs.length - 1];
			return (last?.data?.main?.[outputIndex] ?? []) as INodeExecutionData[];
		},
	};
}

export interface StartedWorkflow {
	executionId: string;
	/** Cancels the execution the way n8n's "stop execution" does (PCancelable.cancel → abort signal). */
	cancel(): void;
	/** Settles when the engine has finished (also after a cancel). */
	done: Promise<HarnessRun>;
	/**
	 * A copy of what the engine handed to n8n's save hook (workflowExecuteAfter), taken at that
	 * moment: on a stop this is what n8n can save, while the stopped node still runs.
	 */
	saved(): IRun | undefined;
	/**
	 * A copy of the execution data the engine holds right now (run data, node contexts, custom
	 * data): what n8n has of a running execution when its process stops.
	 */
	snapshot(): IRunExecutionData;
}

/** Starts a workflow from its first node and hands back its cancel handle. */
export async function startWorkflow(spec: WorkflowSpec): Promise<StartedWorkflow> {
	await initBinaryData();
	const executionId = `e${randomUUID().slice(0, 8)}`;
	const workflowData = {
		id: spec.workflowId ?? `wf-${executionId}`,
		name: 'harness',
		active: false,
		nodes: spec.nodes,
		connections: spec.connections,
		settings: { executionOrder: 'v1' },
	};
	const workflow = new Workflow({
		...workflowData,
		nodeTypes,
		staticData: spec.staticData,
	} as never);
	const additionalData = makeAdditionalData(spec, executionId, workflowData);
	let saved: IRun | undefined;
	additionalData.hooks!.addHandler('workflowExecuteAfter', (fullRunData: IRun) => {
		saved = JSON.parse(JSON.stringify(fullRunData)) as IRun;
	});
	const executor = new WorkflowExecute(additionalData, spec.mode ?? 'manual');
	const running = executor.run({
		workflow,
		startNode: workflow.getNode(spec.nodes[0].name) ?? undefined,
	} as never);
	return {
		executionId,
		saved: () => saved,
		cancel: () => running.cancel(),
		snapshot: () =>
			JSON.parse(
				JSON.stringify(
					(executor as unknown as { runExecutionData: IRunExecutionData }).runExecutionData,
				),
			) as IRunExecutionData,
		done: (async () => wrapRun(workflow, additionalData, executionId, await running))(),
	};
}

/** Runs a workflow from its first node until it finishes, fails or waits. */
export async function runWorkflow(spec: WorkflowSpec): Promise<HarnessRun> {
	return await (
		await startWorkflow(spec)
	).done;
}

/**
 * A real n8n-core ExecuteContext for a Veo3 node with these parameters (n8n's own request helpers,
 * credential authentication and abort signal), for unit tests that call node code directly.
 */
export function veo3ExecuteContext(
	credentials: HarnessCredentials,
	parameters: IDataObject = {},
	items: INodeExecutionData[] = [{ json: {} }],
	abortSignal?: AbortSignal,
): ExecuteContext {
	const veo3 = node('Veo3', VEO3_TYPE, parameters);
	const executionId = `u${randomUUID().slice(0, 8)}`;
	const workflowData = {
		id: `wf-${executionId}`,
		name: 'unit',
		active: false,
		nodes: [veo3],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
	const workflow = new Workflow({ ...workflowData, nodeTypes } as never);
	const additionalData = makeAdditionalData({ credentials }, executionId, workflowData);
	const runExecutionData = { resultData: { runData: {} } } as unknown as IRunExecutionData;
	const inputData = { main: [items] };
	return new ExecuteContext(
		workflow,
		veo3,
		additionalData,
		'manual',
		runExecutionData,
		0,
		items,
		inputData,
		{ node: veo3, data: inputData, source: null },
		[],
		abortSignal,
	);
}

/** The execution's resume URL, exactly as the node saw it in $execution.resumeUrl. */
export function resumeUrlOf(run: HarnessRun): string {
	const base = String(run.additionalData.webhookWaitingBaseUrl);
	const token = (run.run.data as IRunExecutionData & { resumeToken?: string }).resumeToken;
	return token ? `${base}/${run.executionId}?signature=${token}` : `${base}/${run.executionId}`;
}

/**
 * "Retry execution" from n8n's executions list (ExecutionService.retry, n8n 1.x and 2.x): the failed
 * execution's saved data is run again as it is, minus its error and the failed node's last run, so
 * the node runs again with everything the execution held (node context included). `reload` swaps
 * the workflow's nodes ("with currently saved workflow"), keeping the stack's data.
 */
export async function retryExecution(previous: HarnessRun, reload?: INode[]): Promise<HarnessRun> {
	const data = JSON.parse(JSON.stringify(previous.run.data)) as IRunExecutionData;
	const { lastNodeExecuted } = data.resultData;
	if (lastNodeExecuted) {
		delete data.resultData.error;
		const runs = data.resultData.runData[lastNodeExecuted];
		if (runs?.length && runs[runs.length - 1].error !== undefined) runs.pop();
	}
	let workflow = previous.workflow;
	if (reload) {
		workflow = new Workflow({
			id: workflow.id,
			name: workflow.name,
			nodes: reload,
			connections: workflow.connectionsBySourceNode,
			active: false,
			nodeTypes,
			settings: workflow.settings,
		} as never);
		for (const entry of data.executionData!.nodeExecutionStack)
			entry.node = workflow.getNode(entry.node.name) as INode;
	}
	const run = await new WorkflowExecute(
		previous.additionalData,
		'retry',
		data,
	).processRunExecutionData(workflow);
	return wrapRun(workflow, previous.additionalData, previous.executionId, run);
}

export function node(
	name: string,
	type: string,
	parameters: IDataObject,
	extra: Partial<INode> = {},
): INode {
	return {
		id: randomUUID(),
		name,
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as never,
		...(type === ITEMS_TYPE || type === LOOP_TYPE
			? {}
			: { credentials: { veo3Api: { id: 'cred-1', name: 'Veo3 account' } } }),
		...extra,
	};
}

/** Items → Veo3 (one node) workflow, the shape most tests need. */
export function itemsThenVeo3(
	items: IDataObject[],
	veo3Parameters: IDataObject,
	veo3Extra: Partial<INode> = {},
): Pick<WorkflowSpec, 'nodes' | 'connections'> {
	return {
		nodes: [
			node('Items', ITEMS_TYPE, { items: JSON.stringify(items) }),
			node('Veo3', VEO3_TYPE, veo3Parameters, veo3Extra),
		],
		connections: { Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] } } as IConnections,
	};
}
