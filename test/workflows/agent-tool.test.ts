/**
 * The Veo3 node as an AI agent's tool, in process: the tool variant n8n makes of the node (type
 * "…veo3Tool"), run as n8n 2's AI Agent runs it for a tool call (an ordinary node whose input item
 * carries the model's arguments, read by $fromAI). The real agent, model and n8n are in
 * test/e2e/ai-agent.e2e.test.ts; these check each behaviour quickly and precisely.
 */
import type { IConnections, IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { TOOL_MAX_WAIT_MINUTES, TOOL_RETRY_AFTER_SECONDS } from '../../nodes/Veo3/engine/agentTool';
import { readTaskSettings } from '../../nodes/Veo3/inputs/settings';
import {
	ITEMS_TYPE,
	LOOP_TYPE,
	node,
	nodeTypes,
	runWorkflow,
	veo3ExecuteContext,
	VEO3_TOOL_TYPE,
	VEO3_TYPE,
	type HarnessRun,
} from '../harness/engine';
import { ENDPOINT, useSimulator } from './helpers';

const API_KEY = 'sk-agent-tool-4e1a';
const fx = useSimulator(API_KEY, { rateLimit: { max: 1000 } });

/** Fields a tool answer may have. */
const ANSWER_FIELDS = [
	'status',
	'message',
	'taskId',
	'videoUrl',
	'videoUrls',
	'estimatedCredits',
	'retryAfterSeconds',
	'credits',
];
const QUICK = { pollIntervalSeconds: 0.05 };
const TUNING = { readRetries: 1, retryDelayMs: 10 };

const fromAI = (key: string) => `={{ $fromAI('${key}', 'the ${key}', 'string') }}`;

const generate = (extra: IDataObject = {}, options: IDataObject = {}): IDataObject => ({
	resource: 'video',
	operation: 'generate',
	prompt: fromAI('prompt'),
	aspectRatio: fromAI('aspectRatio'),
	options: { ...QUICK, ...options },
	...TUNING,
	...extra,
});

/** One tool call: the model's arguments as the input item, the node as `type` (the tool variant by default). */
async function call(
	args: IDataObject,
	parameters: IDataObject,
	type = VEO3_TOOL_TYPE,
): Promise<HarnessRun> {
	const nodes = [
		node('Items', ITEMS_TYPE, { items: JSON.stringify([args]) }),
		node('Veo3', type, parameters),
	];
	const connections: IConnections = {
		Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] },
	};
	return await runWorkflow({ nodes, connections, credentials: fx.creds() });
}

function answerOf(run: HarnessRun): IDataObject {
	expect(run.run.status).toBe('success');
	const output = run.output('Veo3');
	expect(output).toHaveLength(1);
	expect(output[0].binary).toBeUndefined();
	const json = output[0].json;
	expect(Object.keys(json).filter((key) => !ANSWER_FIELDS.includes(key))).toEqual([]);
	expect(typeof json.message).toBe('string');
	expect(String(json.message)).not.toMatch(/\n/);
	return json;
}

const creates = () => fx.apiRequests(ENDPOINT.generate).length;

/**
 * Several calls of one tool in one execution, as an agent makes them: Items → Loop (one item a
 * pass) → the node → back to Loop, so the node runs once per item in the same execution.
 */
async function callsInOneExecution(
	argsList: IDataObject[],
	parameters: IDataObject,
	type = VEO3_TOOL_TYPE,
): Promise<IDataObject[]> {
	const nodes = [
		node('Items', ITEMS_TYPE, { items: JSON.stringify(argsList) }),
		node('Loop', LOOP_TYPE, { batchSize: 1 }),
		node('Veo3', type, parameters),
	];
	const connections: IConnections = {
		Items: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
		Loop: { main: [[], [{ node: 'Veo3', type: 'main', index: 0 }]] },
		Veo3: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
	};
	const run = await runWorkflow({ nodes, connections, credentials: fx.creds() });
	expect(run.run.status).toBe('success');
	return run.run.data.resultData.runData.Veo3.map((r) => r.data!.main[0]![0].json);
}

test('a tool call answers compactly: status, video URL, task ID, one-line message; no binary by default', async () => {
	const answer = answerOf(
		await call({ prompt: 'A red fox in the snow', aspectRatio: '9:16' }, generate()),
	);
	const [task] = fx.sim.tasks();
	expect(answer).toMatchObject({
		status: 'success',
		taskId: task.id,
		videoUrl: expect.stringMatching(/^http/),
	});
	expect(task).toMatchObject({ prompt: 'A red fox in the snow', aspectRatio: '9:16' });
	expect(String(answer.message)).toContain(String(answer.videoUrl));
	expect(creates()).toBe(1);
	// Nothing downloaded: the only file request would be the MP4.
	expect(fx.sim.requests().filter((r) => r.endpoint === 'GET /files')).toHaveLength(0);
});

test('the same call twice in one execution creates one task and answers it both times; a different call creates its own', async () => {
	const fox = { prompt: 'A red fox in the snow', aspectRatio: '9:16' };
	// $json, not $fromAI: n8n's $fromAI reads a later run's arguments from the run data the agent
	// prepares for each call, which this loop does not make; the node reads the same values either way.
	const byJson = generate({
		prompt: '={{ $json.prompt }}',
		aspectRatio: '={{ $json.aspectRatio }}',
	});
	const answers = await callsInOneExecution(
		[fox, fox, { prompt: 'A grey wolf in the snow', aspectRatio: '9:16' }],
		byJson,
	);
	expect(answers.map((a) => a.status)).toEqual(['success', 'success', 'success']);
	expect(answers[1].taskId).toBe(answers[0].taskId);
	expect(answers[2].taskId).not.toBe(answers[0].taskId);
	expect(creates()).toBe(2);
	// The regular node in a loop makes a video per pass, as a user looping over rows wants.
	fx.sim.reset();
	await callsInOneExecution([fox, fox], byJson, VEO3_TYPE);
	expect(creates()).toBe(2);
});

test('the regular node keeps its full item and its download (the tool behaviour is for tool calls only)', async () => {
	const run = await call(
		{ prompt: 'A red fox in the snow', aspectRatio: '9:16' },
		generate(),
		VEO3_TYPE,
	);
	const [item] = run.output('Veo3');
	expect(item.json).toMatchObject({
		status: 'success',
		originUrls: expect.any(Array),
		prompt: 'A red fox in the snow',
	});
	expect(item.binary?.data?.mimeType).toBe('video/mp4');
});

test('Wait for Callback as a tool never parks the execution: it polls and answers with the URL', async () => {
	const answer = answerOf(
		await call(
			{ prompt: 'A kite over a beach', aspectRatio: '16:9' },
			generate({ waitMode: 'callback' }),
		),
	);
	expect(answer.status).toBe('success');
	expect(fx.sim.tasks()[0].callBackUrl).toBeNull();
});

test('the regular node still parks in Wait for Callback (control for the test above)', async () => {
	const run = await call(
		{ prompt: 'A kite over a beach', aspectRatio: '16:9' },
		generate({ waitMode: 'callback' }),
		VEO3_TYPE,
	);
	expect(run.run.waitTill).toBeDefined();
});

test('a render longer than the bound answers "still rendering" with the task ID and when to ask again', async () => {
	fx.sim.configure({ renderMs: 60_000 });
	const started = Date.now();
	const answer = answerOf(
		await call(
			{ prompt: 'A slow sunset', aspectRatio: '16:9' },
			generate({}, { maxWaitMinutes: 0.01 }),
		),
	);
	expect(Date.now() - started).toBeLessThan(10_000);
	expect(answer).toMatchObject({
		status: 'rendering',
		taskId: fx.sim.tasks()[0].id,
		retryAfterSeconds: TOOL_RETRY_AFTER_SECONDS,
	});
	expect(String(answer.message)).toMatch(/Get Details/);
});

test(`a tool call waits ${TOOL_MAX_WAIT_MINUTES} minutes by default (the node 30), and Max Wait Time still decides when set`, () => {
	const creds = fx.creds();
	const wait = (type: string, options: IDataObject = {}) => {
		const ctx = veo3ExecuteContext(creds, { resource: 'video', operation: 'generate', options });
		const node = ctx.getNode();
		// The context's node is the workflow's: make it the tool variant for the first two checks.
		Object.assign(ctx, { getNode: () => ({ ...node, type }) });
		return readTaskSettings(ctx, 0).wait.maxWaitMs;
	};
	expect(wait(VEO3_TOOL_TYPE)).toBe(TOOL_MAX_WAIT_MINUTES * 60_000);
	expect(wait(VEO3_TOOL_TYPE, { maxWaitMinutes: 1 })).toBe(60_000);
	expect(wait(VEO3_TYPE)).toBe(30 * 60_000);
});

test("Don't Wait answers the task ID at once; Get Details says when to ask again, then gives the URL", async () => {
	fx.sim.configure({ renderMs: 600 });
	const started = answerOf(
		await call({ prompt: 'A paper boat', aspectRatio: '16:9' }, generate({ waitMode: 'none' })),
	);
	expect(started).toMatchObject({
		status: 'rendering',
		taskId: expect.any(String),
		retryAfterSeconds: TOOL_RETRY_AFTER_SECONDS,
	});
	const details = {
		resource: 'video',
		operation: 'getDetails',
		taskId: fromAI('taskId'),
		...TUNING,
	};
	const early = answerOf(await call({ taskId: started.taskId }, details));
	expect(early).toMatchObject({
		status: 'rendering',
		taskId: started.taskId,
		retryAfterSeconds: TOOL_RETRY_AFTER_SECONDS,
	});
	expect(String(early.message)).toMatch(/ask again/i);
	await new Promise((r) => setTimeout(r, 800));
	const done = answerOf(await call({ taskId: started.taskId }, details));
	expect(done).toMatchObject({
		status: 'success',
		taskId: started.taskId,
		videoUrl: expect.stringMatching(/^http/),
	});
	expect(creates()).toBe(1);
});

test('a bad argument from the model is answered with the field and allowed values, and nothing is created', async () => {
	const answer = answerOf(await call({ prompt: 'A fox', aspectRatio: '4:3' }, generate()));
	expect(answer.status).toBe('error');
	expect(String(answer.message)).toMatch(/Aspect Ratio/);
	expect(String(answer.message)).toMatch(/16:9/);
	expect(creates()).toBe(0);
});

test('a failed render is answered as failed, with the reason and the task ID', async () => {
	const answer = answerOf(await call({ prompt: 'A fox [fail]', aspectRatio: '16:9' }, generate()));
	expect(answer).toMatchObject({ status: 'failed', taskId: fx.sim.tasks()[0].id });
	expect(String(answer.message).length).toBeGreaterThan(10);
});

test('the tool variant offers a model-facing description per operation, and no download by default', () => {
	const fill = (type: string, parameters: IDataObject) => {
		const description = nodeTypes.getByName(type).description;
		const properties = description.properties as INodeProperties[];
		return NodeHelpers.getNodeParameters(
			properties,
			parameters as never,
			true,
			false,
			node('Veo3', type, parameters),
			description,
		) as IDataObject;
	};
	const generateTool = fill(VEO3_TOOL_TYPE, { resource: 'video', operation: 'generate' });
	expect(String(generateTool.toolDescription)).toMatch(/aspectRatio/);
	expect(String(generateTool.toolDescription)).toMatch(/9:16/);
	expect(generateTool.downloadVideo).toBe(false);
	expect(
		String(fill(VEO3_TOOL_TYPE, { resource: 'video', operation: 'getDetails' }).toolDescription),
	).toMatch(/Free/);
	// The regular node shows neither, and keeps downloading by default.
	const regular = fill(VEO3_TYPE, { resource: 'video', operation: 'generate' });
	expect(regular.toolDescription).toBeUndefined();
	expect(regular.downloadVideo).toBe(true);
});
