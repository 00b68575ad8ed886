// The Veo3 node as an AI-agent tool in a real n8n: n8n's own AI Agent and OpenAI Chat Model, the
// model played by a fake OpenAI-compatible server (lib/fake-llm.ts) whose script decides the tool
// calls, the kie.ai simulator behind the Veo3 credential. One n8n per version; each scenario is a
// workflow Webhook → AI Agent (← model, ← Veo3 Tool nodes) called once through its webhook.
import { selectedVersions } from './lib';
import {
	agentWorkflow,
	createFakeOpenAiCredential,
	toolNameOf,
	type AgentSetup,
	type ToolSpec,
} from './lib/agent';
import {
	readConversation,
	startFakeLlm,
	type Conversation,
	type FakeLlm,
	type Script,
	type ToolAnswer,
} from './lib/fake-llm';
import { callWebhook, nodeOutput, useVeo3Instance } from './lib/veo3';

/** The AI Agent version a new workflow gets (n8n 1.123: 3, n8n 2.41: 3.1); both run tools as engine requests. */
const AGENT_VERSION = { v1: 3, v2: 3.1 } as const;

/** Fields a tool answer may have: compact and stable, nothing a model has to wade through. */
const ANSWER_FIELDS = [
	'status',
	'message',
	'taskId',
	'videoUrl',
	'videoUrls',
	'estimatedCredits',
	'retryAfterSeconds',
	'model',
	'aspectRatio',
	'sceneCount',
	'scenesDone',
	'failedScene',
];

const fromAI = (key: string, description: string) =>
	`={{ $fromAI('${key}', '${description}', 'string') }}`;

const generateTool = (
	name: string,
	parameters: Record<string, unknown> = {},
	options: Record<string, unknown> = {},
): ToolSpec => ({
	name,
	parameters: {
		resource: 'video',
		operation: 'generate',
		prompt: fromAI('prompt', 'What the video shows'),
		aspectRatio: fromAI('aspectRatio', 'Allowed: 16:9, 9:16, Auto'),
		model: 'veo3_fast',
		options: { pollIntervalSeconds: 0.2, ...options },
		...parameters,
	},
});

const detailsTool = (name: string): ToolSpec => ({
	name,
	parameters: {
		resource: 'video',
		operation: 'getDetails',
		taskId: fromAI('taskId', 'The task ID a video tool returned'),
	},
});

/** Generate Long Video (Scenes) as a tool: the model gives the scene prompts, one per line. */
const scenesTool = (name: string, parameters: Record<string, unknown> = {}): ToolSpec => ({
	name,
	parameters: {
		resource: 'video',
		operation: 'generateScenes',
		sceneSource: 'field',
		scenes: fromAI('scenes', 'The scene prompts in order, one per line'),
		mode: 'text',
		aspectRatio: fromAI('aspectRatio', 'Allowed: 16:9, 9:16, Auto'),
		model: 'veo3_fast',
		extendModel: 'same',
		waitMode: 'poll',
		options: { pollIntervalSeconds: 0.2 },
		...parameters,
	},
});

const GENERATE = 'POST /api/v1/veo/generate';
const EXTEND = 'POST /api/v1/veo/extend';

/** The only answer item of a tool call (n8n hands the model the items' JSON as a list). */
function only(answer: ToolAnswer): any {
	expect(Array.isArray(answer.parsed)).toBe(true);
	expect(answer.parsed).toHaveLength(1);
	return answer.parsed[0];
}

function expectCompact(answer: any): void {
	expect(Object.keys(answer).filter((key) => !ANSWER_FIELDS.includes(key))).toEqual([]);
	expect(typeof answer.message).toBe('string');
	expect(answer.message).not.toContain('\n');
}

describe.each(selectedVersions())('Veo3 Tool under a real AI Agent in n8n %s', (version) => {
	let llm: FakeLlm;
	let openAi: AgentSetup;
	let scenario = 0;

	beforeAll(async () => {
		llm = await startFakeLlm();
	});
	const { n8n, api, veo } = useVeo3Instance(version, {
		env: { N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true' },
	});
	beforeAll(async () => {
		openAi = await createFakeOpenAiCredential(api, llm);
	});

	afterAll(async () => await llm?.stop());

	beforeEach(() => llm.reset());

	/** Creates and activates the agent workflow, sends `message`, returns the agent's reply and the model's view. */
	async function ask(
		tools: ToolSpec[],
		script: Script,
		message = 'Make a 9:16 video of a red fox in the snow.',
		agentVersion: number = AGENT_VERSION[version],
	) {
		scenario += 1;
		const path = `agent-${version}-${scenario}`;
		const wf = await api.createWorkflow(
			agentWorkflow(`agent ${scenario}`, path, openAi, veo, tools, agentVersion),
		);
		await api.activateWorkflow(wf.id);
		llm.setScript(script);
		const started = Date.now();
		const reply = await callWebhook(n8n, path, { message }, 180_000);
		const seconds = (Date.now() - started) / 1000;
		await api.deactivateWorkflow(wf.id);
		const last = llm.requests().at(-1);
		const conversation: Conversation = readConversation(last);
		const execution = await api.waitForExecution(() => true, 30_000, { workflowId: wf.id });
		return { reply, seconds, conversation, execution, workflowId: wf.id };
	}

	test('one call makes one video; the model gets a compact answer and puts the URL in its reply', async () => {
		const { reply, conversation, execution } = await ask(
			[generateTool('Make Video')],
			({ tools, toolAnswers }) => {
				if (toolAnswers.length === 0)
					return {
						toolCalls: [
							{
								name: toolNameOf(tools, 'Make Video'),
								args: { prompt: 'A red fox in the snow', aspectRatio: '9:16' },
							},
						],
					};
				return { answer: `Here is your video: ${only(toolAnswers[0]).videoUrl}` };
			},
		);
		expect(reply.status).toBe(200);
		expect(veo.sim.tasks()).toHaveLength(1);
		const [task] = veo.sim.tasks() as any[];
		expect(task.aspectRatio).toBe('9:16');
		const answer = only(conversation.toolAnswers[0]);
		expectCompact(answer);
		expect(answer).toMatchObject({ status: 'success', taskId: task.id });
		expect(String(reply.data.output)).toContain(answer.videoUrl);
		expect(answer.videoUrl).toMatch(/^http/);
		expect(execution.status).toBe('success');
		// The model saw a description written for it, not the node's one-liner for people.
		const offered = conversation.tools.find(
			(t) => t.name === toolNameOf(conversation.tools, 'Make Video'),
		)!;
		expect(offered.description).toMatch(/video/i);
		expect(offered.description.length).toBeGreaterThan(120);
		expect(Object.keys(offered.parameters.properties ?? {})).toEqual(
			expect.arrayContaining(['prompt', 'aspectRatio']),
		);
		expect(nodeOutput(execution, 'Make Video').every((item) => !item.binary)).toBe(true);
	});

	test('under the AI Agent v2 (tools run as sub-nodes, in parallel) two identical calls in one turn share one task', async () => {
		const args = { prompt: 'A red fox in the snow', aspectRatio: '9:16' };
		const { reply, conversation } = await ask(
			[generateTool('Make Video', { waitMode: 'callback' })],
			({ tools, toolAnswers }) => {
				const name = toolNameOf(tools, 'Make Video');
				if (toolAnswers.length === 0)
					return {
						toolCalls: [
							{ name, args },
							{ name, args },
						],
					};
				return { answer: `Here is your video: ${only(toolAnswers[0]).videoUrl}` };
			},
			undefined,
			2.2,
		);
		const answers = conversation.toolAnswers.map(only);
		expect(answers).toHaveLength(2);
		answers.forEach(expectCompact);
		expect(answers.map((a) => a.status)).toEqual(['success', 'success']);
		expect(new Set(answers.map((a) => a.taskId)).size).toBe(1);
		expect(veo.sim.tasks()).toHaveLength(1);
		expect(String(reply.data.output)).toContain(answers[0].videoUrl);
	});

	test('the same call twice (in parallel, then once more) creates one task and answers the same task each time', async () => {
		const args = { prompt: 'A lighthouse at dawn', aspectRatio: '16:9' };
		const { conversation } = await ask([generateTool('Make Video')], ({ tools, toolAnswers }) => {
			const name = toolNameOf(tools, 'Make Video');
			if (toolAnswers.length === 0)
				return {
					toolCalls: [
						{ name, args },
						{ name, args },
					],
				};
			if (toolAnswers.length === 2) return { toolCalls: [{ name, args }] };
			return { answer: `Video: ${only(toolAnswers[0]).videoUrl}` };
		});
		expect(conversation.toolAnswers).toHaveLength(3);
		expect(veo.sim.tasks()).toHaveLength(1);
		const ids = conversation.toolAnswers.map((a) => only(a).taskId);
		expect(new Set(ids).size).toBe(1);
		expect(conversation.toolAnswers.every((a) => only(a).status === 'success')).toBe(true);
	});

	test("Don't Wait returns the task ID at once; Get Details says to ask again, then gives the URL", async () => {
		veo.sim.configure({ renderMs: 2_500 });
		const { reply, conversation } = await ask(
			[generateTool('Start Video', { waitMode: 'none' }), detailsTool('Check Video')],
			({ tools, toolAnswers }) => {
				if (toolAnswers.length === 0)
					return {
						toolCalls: [
							{
								name: toolNameOf(tools, 'Start Video'),
								args: { prompt: 'A paper boat on a river', aspectRatio: '16:9' },
							},
						],
					};
				const last = only(toolAnswers.at(-1)!);
				const taskId = only(toolAnswers[0]).taskId;
				if (last.status === 'success') return { answer: `Done: ${last.videoUrl}` };
				// A model told "ask again later" waits before it does (scaled down: the render takes 2.5 s).
				return {
					toolCalls: [{ name: toolNameOf(tools, 'Check Video'), args: { taskId } }],
					delayMs: toolAnswers.length > 1 ? 400 : 0,
				};
			},
		);
		const answers = conversation.toolAnswers.map(only);
		answers.forEach(expectCompact);
		expect(answers[0]).toMatchObject({ status: 'rendering' });
		expect(typeof answers[0].taskId).toBe('string');
		const checks = answers.slice(1);
		expect(checks.length).toBeGreaterThanOrEqual(2);
		expect(checks[0]).toMatchObject({ status: 'rendering', taskId: answers[0].taskId });
		expect(checks[0].retryAfterSeconds).toBeGreaterThan(0);
		expect(checks[0].message).toMatch(/ask again|check again/i);
		expect(checks.at(-1)).toMatchObject({ status: 'success', taskId: answers[0].taskId });
		expect(String(reply.data.output)).toContain(checks.at(-1).videoUrl);
		expect(veo.sim.tasks()).toHaveLength(1);
	});

	test('Wait for Callback as a tool never parks the execution: it polls, and answers within the tool bound', async () => {
		const tool = generateTool('Make Video', { waitMode: 'callback' }, { maxWaitMinutes: 0.1 });
		const script: Script = ({ tools, toolAnswers }) => {
			if (toolAnswers.length === 0)
				return {
					toolCalls: [
						{
							name: toolNameOf(tools, 'Make Video'),
							args: { prompt: 'A kite over a beach', aspectRatio: '16:9' },
						},
					],
				};
			const answer = only(toolAnswers[0]);
			return {
				answer:
					answer.status === 'success'
						? `Video: ${answer.videoUrl}`
						: `Still rendering, task ${answer.taskId}`,
			};
		};
		// Quick render: the answer is the video, the execution finished (not waiting for a callback).
		const quick = await ask([tool], script);
		expect(only(quick.conversation.toolAnswers[0]).status).toBe('success');
		expect(quick.execution.status).toBe('success');
		// A render longer than the bound (6 s here): the tool answers "still rendering" with the task ID.
		veo.sim.reset();
		veo.sim.configure({ renderMs: 120_000 });
		const slow = await ask([tool], script);
		const answer = only(slow.conversation.toolAnswers[0]);
		expectCompact(answer);
		expect(answer).toMatchObject({ status: 'rendering', taskId: expect.any(String) });
		expect(slow.seconds).toBeLessThan(40);
		expect(slow.execution.status).toBe('success');
		expect(String(slow.reply.data.output)).toContain(answer.taskId);
		const waiting = await api.getExecutions({ status: 'waiting' });
		expect(waiting).toHaveLength(0);
		expect(veo.sim.tasks()).toHaveLength(1);
	});

	test("a looping agent hits the tool's default credit cap: the call over it is refused, creates nothing, and the model relays why", async () => {
		// Veo 3.1 Quality, 720p: 250 credits a video; the tool's default cap per execution is 600.
		const prompts = ['A castle at dawn', 'A castle at noon', 'A castle at dusk'];
		const { reply, conversation } = await ask(
			[generateTool('Make Video', { model: 'veo3' })],
			({ tools, toolAnswers }) => {
				if (toolAnswers.length < prompts.length) {
					return {
						toolCalls: [
							{
								name: toolNameOf(tools, 'Make Video'),
								args: { prompt: prompts[toolAnswers.length], aspectRatio: '16:9' },
							},
						],
					};
				}
				return { answer: `Last answer: ${only(toolAnswers.at(-1)!).message}` };
			},
		);
		const answers = conversation.toolAnswers.map(only);
		answers.forEach(expectCompact);
		expect(answers.map((a) => a.status)).toEqual(['success', 'success', 'refused']);
		expect(answers[2].taskId).toBeUndefined();
		expect(answers[2].message).toMatch(/cap|Max Credits/i);
		expect(veo.sim.tasks().map((t: any) => t.prompt)).toEqual(prompts.slice(0, 2));
		expect(String(reply.data.output)).toContain(answers[2].message);
	});

	test('"make a 24-second video of these three scenes": one call, 1 generate + 2 extends, the reply has the stitched URL', async () => {
		const scenes = [
			'A lighthouse on a cliff at dawn, waves below',
			'The lamp turns on as fog rolls in',
			'A small boat passes safely in the beam',
		];
		const { reply, conversation, execution } = await ask(
			[scenesTool('Make Long Video')],
			({ tools, toolAnswers }) => {
				if (toolAnswers.length === 0)
					return {
						toolCalls: [
							{
								name: toolNameOf(tools, 'Make Long Video'),
								args: { scenes: scenes.join('\n'), aspectRatio: '16:9' },
							},
						],
					};
				return { answer: `Here is your 24-second video: ${only(toolAnswers[0]).videoUrl}` };
			},
			`Make a 24-second video of these three scenes: ${scenes.join('; ')}`,
		);
		expect(reply.status).toBe(200);
		expect(execution.status).toBe('success');
		const creates = veo.sim
			.requests()
			.filter((r: { endpoint: string }) => r.endpoint === GENERATE || r.endpoint === EXTEND);
		expect(creates.map((r: { endpoint: string }) => r.endpoint)).toEqual([
			GENERATE,
			EXTEND,
			EXTEND,
		]);
		const tasks = veo.sim.tasks() as any[];
		expect(tasks.map((t) => t.prompt)).toEqual(scenes);
		for (let k = 1; k < 3; k++) expect(tasks[k].parentId).toBe(tasks[k - 1].id);
		expect(conversation.toolAnswers).toHaveLength(1);
		const answer = only(conversation.toolAnswers[0]);
		expectCompact(answer);
		expect(answer).toMatchObject({
			status: 'success',
			taskId: tasks[2].id,
			sceneCount: 3,
			scenesDone: 3,
			estimatedCredits: 180,
		});
		// The final, stitched video of the last scene, not a scene's own clip.
		expect(answer.videoUrl).toContain(`${tasks[2].id}_0_full`);
		expect(String(reply.data.output)).toContain(answer.videoUrl);
		// The model was told what the operation does and that scenes go one per line.
		const offered = conversation.tools.find(
			(t) => t.name === toolNameOf(conversation.tools, 'Make Long Video'),
		)!;
		expect(offered.description).toMatch(/scene/i);
		expect(Object.keys(offered.parameters.properties ?? {})).toEqual(
			expect.arrayContaining(['scenes', 'aspectRatio']),
		);
	});

	test("3 Quality scenes (750 credits) are over the tool's default cap of 600: refused, nothing created, the model relays why", async () => {
		const { reply, conversation } = await ask(
			[scenesTool('Make Long Video', { model: 'veo3' })],
			({ tools, toolAnswers }) => {
				if (toolAnswers.length === 0)
					return {
						toolCalls: [
							{
								name: toolNameOf(tools, 'Make Long Video'),
								args: {
									scenes: 'A castle at dawn\nA castle at noon\nA castle at dusk',
									aspectRatio: '16:9',
								},
							},
						],
					};
				return { answer: `Sorry: ${only(toolAnswers[0]).message}` };
			},
			'Make a 24-second video of a castle from dawn to dusk, in three scenes, best quality.',
		);
		const answer = only(conversation.toolAnswers[0]);
		expectCompact(answer);
		expect(answer.status).toBe('refused');
		expect(answer.taskId).toBeUndefined();
		expect(answer.message).toContain('750 credits');
		expect(answer.message).toMatch(/Max Credits per Execution of 600/);
		expect(veo.sim.tasks()).toEqual([]);
		expect(
			veo.sim.requests().filter((r: { endpoint: string }) => r.endpoint !== 'GET /files'),
		).toEqual([]);
		expect(veo.sim.counters()).toMatchObject({ tasksCreated: 0, creditsSpent: 0 });
		expect(String(reply.data.output)).toContain(answer.message);
	});
});
