// A small OpenAI-compatible chat-completions server, standing in for the LLM behind n8n's own
// "OpenAI Chat Model" node (its credential's Base URL points here). A test gives it a script: a
// function that sees the conversation so far (the user's message, the tools n8n offered, every
// tool answer the agent relayed back) and returns the next turn: tool calls or a final text.
// Test code only: it never decides what the Veo3 node does, it only plays the model.
import { randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';

import { registerCleanup } from './processes';

export interface OfferedTool {
	name: string;
	description: string;
	/** The JSON schema n8n built from the node's $fromAI() placeholders. */
	parameters: Record<string, any>;
}

export interface ToolAnswer {
	toolCallId: string;
	/** The name of the tool that was called (looked up from the assistant turn that called it). */
	name: string;
	/** Raw content n8n sent back (the tool's answer, JSON text). */
	content: string;
	/** content parsed as JSON when it is JSON; n8n wraps a tool's items in a list. */
	parsed: any;
}

export interface Conversation {
	/** The last user message. */
	userText: string;
	tools: OfferedTool[];
	/** Every tool answer so far, oldest first. */
	toolAnswers: ToolAnswer[];
	/** The raw request body. */
	request: any;
}

export interface ToolCall {
	name: string;
	args: Record<string, unknown>;
}

/**
 * The next model turn: call tools (all at once, as parallel tool calls) or answer; `delayMs`
 * makes the model take that long first (as one that waits before asking about a render again).
 */
export type Turn = ({ toolCalls: ToolCall[] } | { answer: string }) & { delayMs?: number };

export type Script = (conversation: Conversation) => Turn;

export interface FakeLlm {
	/** Base URL for the `openAiApi` credential's `url` field (…/v1). */
	baseUrl: string;
	/** Replace the script (one per scenario). */
	setScript(script: Script): void;
	/** Every chat-completions request body received, oldest first. */
	requests(): any[];
	reset(): void;
	stop(): Promise<void>;
}

function parseJson(text: string): any {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content))
		return content.map((part) => (typeof part === 'string' ? part : (part?.text ?? ''))).join('');
	return '';
}

export function readConversation(body: any): Conversation {
	const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
	const names = new Map<string, string>();
	for (const m of messages)
		for (const call of m.tool_calls ?? []) names.set(call.id, call.function?.name);
	const userText = textOf([...messages].reverse().find((m) => m.role === 'user')?.content);
	const toolAnswers = messages
		.filter((m) => m.role === 'tool')
		.map((m) => {
			const content = textOf(m.content);
			return {
				toolCallId: m.tool_call_id,
				name: names.get(m.tool_call_id) ?? '',
				content,
				parsed: parseJson(content),
			};
		});
	const tools = (body?.tools ?? []).map((t: any) => ({
		name: t.function?.name,
		description: t.function?.description ?? '',
		parameters: t.function?.parameters ?? {},
	}));
	return { userText, tools, toolAnswers, request: body };
}

function completion(model: string, turn: Turn): any {
	const message =
		'answer' in turn
			? { role: 'assistant', content: turn.answer }
			: {
					role: 'assistant',
					content: null,
					tool_calls: turn.toolCalls.map((call) => ({
						id: `call_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
						type: 'function',
						function: { name: call.name, arguments: JSON.stringify(call.args) },
					})),
				};
	return {
		id: `chatcmpl-${randomUUID()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [
			{
				index: 0,
				message,
				logprobs: null,
				finish_reason: 'answer' in turn ? 'stop' : 'tool_calls',
			},
		],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The same completion as server-sent events, for a client that asked for `stream: true`. */
function streamed(res: http.ServerResponse, full: any): void {
	res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
	const { message, finish_reason } = full.choices[0];
	const base = {
		id: full.id,
		object: 'chat.completion.chunk',
		created: full.created,
		model: full.model,
	};
	const delta: any = { role: 'assistant', content: message.content ?? null };
	if (message.tool_calls)
		delta.tool_calls = message.tool_calls.map((c: any, index: number) => ({ index, ...c }));
	res.write(
		`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`,
	);
	res.write(
		`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason }], usage: full.usage })}\n\n`,
	);
	res.end('data: [DONE]\n\n');
}

export async function startFakeLlm(
	initial: Script = () => ({ answer: 'Hello.' }),
): Promise<FakeLlm> {
	let script = initial;
	let received: any[] = [];
	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (chunk) => (raw += chunk));
		req.on('end', () => {
			const json = (status: number, body: unknown) =>
				res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
			if (req.method === 'GET' && req.url?.endsWith('/models')) {
				json(200, {
					object: 'list',
					data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'fake' }],
				});
				return;
			}
			if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
				json(404, {
					error: {
						message: `fake LLM: no route ${req.method} ${req.url}`,
						type: 'invalid_request_error',
					},
				});
				return;
			}
			const body = parseJson(raw) ?? {};
			received.push(body);
			let turn: Turn;
			try {
				turn = script(readConversation(body));
			} catch (error) {
				// A script that cannot go on answers in words, so the test fails on its assertion, not on a hang.
				turn = { answer: `SCRIPT ERROR: ${(error as Error).message}` };
			}
			const full = completion(String(body.model ?? 'gpt-4o-mini'), turn);
			setTimeout(
				() => (body.stream === true ? streamed(res, full) : json(200, full)),
				turn.delayMs ?? 0,
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	const stop = async () => {
		unregister();
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	};
	const unregister = registerCleanup('fake LLM', stop);
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		setScript: (next) => (script = next),
		requests: () => received,
		reset: () => (received = []),
		stop,
	};
}
