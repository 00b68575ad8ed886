// n8n's own AI Agent, driven by the fake LLM: the `openAiApi` credential pointing at it, and a
// builder for Webhook → AI Agent (← OpenAI Chat Model, ← Veo3 Tools) workflows. Node versions
// exist in both n8n 1.123 and 2.41; OpenAI Chat Model 1.2 talks chat completions (1.3 defaults
// to the Responses API, which the fake server does not speak).
import { randomUUID } from 'crypto';

import type { N8nApi, WorkflowJson } from './api';
import type { FakeLlm } from './fake-llm';
import { VEO3_TOOL_TYPE, webhookNode, type Veo3Setup } from './veo3';

export const AGENT_TYPE = '@n8n/n8n-nodes-langchain.agent';
export const OPENAI_MODEL_TYPE = '@n8n/n8n-nodes-langchain.lmChatOpenAi';
export const CHAT_TRIGGER_TYPE = '@n8n/n8n-nodes-langchain.chatTrigger';

export interface AgentSetup {
	credential: { id: string; name: string };
}

/** An OpenAI credential whose Base URL is the fake LLM (any API key: it checks none). */
export async function createFakeOpenAiCredential(api: N8nApi, llm: FakeLlm): Promise<AgentSetup> {
	const credential = await api.createCredential('openAiApi', 'Fake OpenAI', {
		apiKey: 'sk-fake-llm',
		url: llm.baseUrl,
		header: false,
	});
	return { credential: { id: credential.id, name: credential.name } };
}

export interface ToolSpec {
	/** Node name; the agent offers it to the model as a tool of (about) the same name. */
	name: string;
	parameters: Record<string, unknown>;
}

/**
 * Webhook (POST `path`, body `{ message }`, answers with the agent's output) → AI Agent, with the
 * OpenAI Chat Model and one Veo3 Tool node per spec attached.
 */
export function agentWorkflow(
	name: string,
	path: string,
	openAi: AgentSetup,
	veo: Veo3Setup,
	tools: ToolSpec[],
	agentVersion: number,
): WorkflowJson {
	const trigger = webhookNode(path, 'lastNode', 'Webhook');
	trigger.parameters.responseData = 'firstEntryJson';
	const agent = {
		id: randomUUID(),
		name: 'AI Agent',
		type: AGENT_TYPE,
		typeVersion: agentVersion,
		position: [400, 300],
		parameters: {
			promptType: 'define',
			text: '={{ $json.body.message }}',
			options: { maxIterations: 40 },
		},
	};
	const model = {
		id: randomUUID(),
		name: 'OpenAI Chat Model',
		type: OPENAI_MODEL_TYPE,
		typeVersion: 1.2,
		position: [300, 500],
		parameters: { model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' }, options: {} },
		credentials: { openAiApi: openAi.credential },
	};
	const toolNodes = tools.map((tool, index) => ({
		id: randomUUID(),
		name: tool.name,
		type: VEO3_TOOL_TYPE,
		typeVersion: 1,
		position: [500 + index * 150, 500],
		parameters: tool.parameters,
		credentials: veo.credentials,
	}));
	const connections: Record<string, any> = {
		[trigger.name]: { main: [[{ node: agent.name, type: 'main', index: 0 }]] },
		[model.name]: {
			ai_languageModel: [[{ node: agent.name, type: 'ai_languageModel', index: 0 }]],
		},
	};
	for (const tool of toolNodes)
		connections[tool.name] = { ai_tool: [[{ node: agent.name, type: 'ai_tool', index: 0 }]] };
	return {
		name,
		nodes: [trigger, agent, model, ...toolNodes],
		connections,
		settings: { executionOrder: 'v1' },
	};
}

/** The tool name the agent gives a node: n8n replaces what a tool name may not contain with "_". */
export function toolNameOf(conversationTools: Array<{ name: string }>, nodeName: string): string {
	const wanted = nodeName.replace(/[^a-zA-Z0-9_-]/g, '_');
	const found = conversationTools.find((t) => t.name === wanted || t.name === nodeName);
	if (!found)
		throw new Error(
			`no tool named like "${nodeName}" offered (offered: ${conversationTools.map((t) => t.name).join(', ')})`,
		);
	return found.name;
}
