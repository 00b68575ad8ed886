// Workflow JSON for the queue-mode e2e and the real-n8n benchmarks (node types as installed from
// the package: `n8n-nodes-veo3.*`).
import { randomUUID } from 'crypto';

import type { WorkflowJson } from '../lib/api';

const VEO3 = 'n8n-nodes-veo3.veo3';
const VEO3_TRIGGER = 'n8n-nodes-veo3.veo3Trigger';

export interface CredRef {
	id: string;
	name: string;
}

type Node = Record<string, any>;

let x = 0;
function node(
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown>,
	extra: Node = {},
): Node {
	x += 220;
	return { id: randomUUID(), name, type, typeVersion, position: [x, 0], parameters, ...extra };
}

export function webhookNode(path: string, name = 'Start'): Node {
	return node(
		name,
		'n8n-nodes-base.webhook',
		2,
		{ httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
		{ webhookId: randomUUID() },
	);
}

function noOp(name = 'Next'): Node {
	return node(name, 'n8n-nodes-base.noOp', 1, {});
}

export function veo3(name: string, parameters: Record<string, unknown>, cred: CredRef): Node {
	return node(name, VEO3, 1, parameters, {
		credentials: { veo3Api: cred },
		webhookId: randomUUID(),
	});
}

export function chain(
	name: string,
	nodes: Node[],
	extraConnections: Record<string, any> = {},
): WorkflowJson {
	const connections: Record<string, any> = {};
	for (let i = 0; i < nodes.length - 1; i++)
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return {
		name,
		nodes,
		connections: { ...connections, ...extraConnections },
		settings: { executionOrder: 'v1' },
	};
}

/** Webhook(path) → Veo3 Generate (waitMode, prompt from the request body) → Next. */
export function generateFlow(
	path: string,
	cred: CredRef,
	waitMode: 'callback' | 'poll' | 'none',
	options: Record<string, unknown> = {},
	extra: Record<string, unknown> = {},
): WorkflowJson {
	return chain(`veo3 ${waitMode} ${path}`, [
		webhookNode(path),
		veo3(
			'Veo3',
			{
				resource: 'video',
				operation: 'generate',
				prompt: '={{ $json.body.prompt }}',
				waitMode,
				options,
				...extra,
			},
			cred,
		),
		noOp('Next'),
	]);
}

/** Veo3 Trigger (webhookId fixed by the caller, path `veo3`) → Next. Production URL: <base>/webhook/<webhookId>/veo3. */
export function triggerFlow(webhookId: string, cred: CredRef): WorkflowJson {
	const trigger = node(
		'Veo3 Trigger',
		VEO3_TRIGGER,
		1,
		{ events: ['success', 'failure', 'fourK'], separateOutputs: false, options: {} },
		{ webhookId, credentials: { veo3Api: cred } },
	);
	return chain('veo3 trigger', [trigger, noOp('Next')]);
}

/**
 * The common template: Webhook → HTTP Request (create at kie) → Wait 30 s → HTTP Request
 * (record-info) → IF successFlag = 1 → Next; else back to Wait.
 */
export function templateFlow(
	path: string,
	kieBaseUrl: string,
	apiKey: string,
	waitSeconds = 30,
): WorkflowJson {
	const auth = {
		sendHeaders: true,
		headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${apiKey}` }] },
	};
	const start = webhookNode(path);
	const create = node('Create', 'n8n-nodes-base.httpRequest', 4.2, {
		method: 'POST',
		url: `${kieBaseUrl}/api/v1/veo/generate`,
		...auth,
		sendBody: true,
		specifyBody: 'json',
		jsonBody:
			'={{ JSON.stringify({ prompt: $json.body.prompt, model: "veo3_fast", aspectRatio: "16:9" }) }}',
		options: {},
	});
	const wait = node(
		'Wait',
		'n8n-nodes-base.wait',
		1.1,
		{ resume: 'timeInterval', amount: waitSeconds, unit: 'seconds' },
		{ webhookId: randomUUID() },
	);
	const status = node('Status', 'n8n-nodes-base.httpRequest', 4.2, {
		method: 'GET',
		url: `${kieBaseUrl}/api/v1/veo/record-info`,
		...auth,
		sendQuery: true,
		queryParameters: {
			parameters: [{ name: 'taskId', value: "={{ $('Create').first().json.data.taskId }}" }],
		},
		options: {},
	});
	const ifDone = node('Done?', 'n8n-nodes-base.if', 2, {
		conditions: {
			options: { caseSensitive: true, leftValue: '', typeValidation: 'loose' },
			conditions: [
				{
					id: randomUUID(),
					leftValue: '={{ $json.data.successFlag }}',
					rightValue: 1,
					operator: { type: 'number', operation: 'equals' },
				},
			],
			combinator: 'and',
		},
		looseTypeValidation: true,
		options: {},
	});
	const next = noOp('Next');
	return {
		name: `template ${path}`,
		nodes: [start, create, wait, status, ifDone, next],
		connections: {
			Start: { main: [[{ node: 'Create', type: 'main', index: 0 }]] },
			Create: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] },
			Wait: { main: [[{ node: 'Status', type: 'main', index: 0 }]] },
			Status: { main: [[{ node: 'Done?', type: 'main', index: 0 }]] },
			'Done?': {
				main: [
					[{ node: 'Next', type: 'main', index: 0 }],
					[{ node: 'Wait', type: 'main', index: 0 }],
				],
			},
		},
		settings: { executionOrder: 'v1' },
	};
}
