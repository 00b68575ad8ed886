/**
 * Forged, replayed and malformed callbacks against both receivers: the Veo3 Trigger's webhook and a
 * waiting execution's resume URL. Each is refused and starts or resumes nothing; a genuine callback
 * from the simulator still works afterwards.
 */
import { WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { forgetAllCallbacks } from '../../nodes/Veo3Trigger/dedupe';
import { resetRateLimiter } from '../../nodes/kie/transport/rateLimiter';
import { startSimulator, type RunningSimulator } from '../../simulator';
import {
	ITEMS_TYPE,
	node,
	nodeTypes,
	resumeUrlOf,
	runWorkflow,
	VEO3_TYPE,
	type HarnessRun,
} from '../harness/engine';
import {
	nowSeconds,
	postCallback,
	replay,
	signedHeaders,
	SimControl,
	successBody,
	type Answer,
} from '../harness/kie';
import { CallbackServer } from '../harness/webhooks';

const API_KEY = 'sk-callback-abuse-0d7a';
const HMAC = 'hmac-callback-abuse-e3c9';
const STRANGER = 'f1e2d3c4b5a69788796a5b4c3d2e1f00';

let sim: RunningSimulator;
const ctl = new SimControl(() => sim);
const server = new CallbackServer();
const creds = () => ({
	apiKey: API_KEY,
	baseUrl: sim.url,
	uploadBaseUrl: sim.uploadUrl,
	webhookHmacSecret: HMAC,
});

beforeAll(async () => {
	// One simulator for the whole file: the tasks must outlive each case. Renders never finish alone.
	sim = await startSimulator({
		apiKey: API_KEY,
		hmacKey: HMAC,
		profile: 'fast',
		renderMs: 60_000,
		callbackRetries: 0,
		rateLimit: { max: 1000 },
	});
	resetRateLimiter();
	await server.start();
});
afterAll(async () => {
	await server.stop();
	await sim.stop();
});

interface Target {
	url: string;
	/** A task the receiver expects a callback for, and another one. */
	taskId: string;
	otherTaskId: string;
}

interface Attack {
	body: unknown;
	headers?: Record<string, string>;
}

const json = { 'content-type': 'application/json' };
const padding = 'x'.repeat(300 * 1024);

/** [case, how it is made, answer expected from the trigger, from the resume URL]. */
const ATTACKS: Array<[string, (t: Target) => Attack, number, number]> = [
	['missing signature', (t) => ({ body: successBody(t.taskId) }), 401, 401],
	[
		'signature made with another key',
		(t) => ({ body: successBody(t.taskId), headers: signedHeaders('not-the-hmac-key', t.taskId) }),
		401,
		401,
	],
	[
		'signature of another task',
		(t) => ({ body: successBody(t.taskId), headers: signedHeaders(HMAC, t.otherTaskId) }),
		401,
		401,
	],
	[
		'stale timestamp (6 minutes old, correctly signed)',
		(t) => ({
			body: successBody(t.taskId),
			headers: signedHeaders(HMAC, t.taskId, nowSeconds() - 360),
		}),
		401,
		401,
	],
	[
		'future timestamp (6 minutes ahead, correctly signed)',
		(t) => ({
			body: successBody(t.taskId),
			headers: signedHeaders(HMAC, t.taskId, nowSeconds() + 360),
		}),
		401,
		401,
	],
	[
		'timestamp that is not a Unix time',
		(t) => ({
			body: successBody(t.taskId),
			headers: { ...signedHeaders(HMAC, t.taskId), 'X-Webhook-Timestamp': 'yesterday' },
		}),
		401,
		401,
	],
	[
		'unknown task ID with a forged signature',
		() => ({ body: successBody(STRANGER), headers: signedHeaders('guessed-key', STRANGER) }),
		401,
		401,
	],
	// n8n's own body parser refuses it before any node runs, with 422.
	[
		'malformed JSON',
		(t) => ({
			body: `{"code":200,"data":{"taskId":"${t.taskId}"`,
			headers: signedHeaders(HMAC, t.taskId),
		}),
		422,
		422,
	],
	[
		'oversized body (300 KB)',
		(t) => ({
			body: successBody(t.taskId, ['https://files.example/v.mp4'], { padding }),
			headers: signedHeaders(HMAC, t.taskId),
		}),
		413,
		413,
	],
	[
		'wrong content type (text/plain)',
		(t) => ({
			body: JSON.stringify(successBody(t.taskId)),
			headers: { ...signedHeaders(HMAC, t.taskId), 'content-type': 'text/plain' },
		}),
		400,
		400,
	],
	[
		'a JSON array instead of an object',
		(t) => ({ body: [successBody(t.taskId)], headers: signedHeaders(HMAC, t.taskId) }),
		400,
		400,
	],
	[
		'no task ID in the body',
		(t) => ({
			body: {
				code: 200,
				msg: 'ok',
				data: { info: { resultUrls: ['https://files.example/v.mp4'] } },
			},
			headers: signedHeaders(HMAC, t.taskId),
		}),
		400,
		400,
	],
	['empty body', (t) => ({ body: '', headers: signedHeaders(HMAC, t.taskId) }), 400, 400],
];

async function attack(target: Target, make: (t: Target) => Attack): Promise<Answer> {
	const { body, headers = {} } = make(target);
	return await postCallback(target.url, body, { ...json, ...headers });
}

describe('against the Veo3 Trigger', () => {
	const target = {} as Target;

	beforeAll(async () => {
		forgetAllCallbacks();
		server.useTrigger({ events: ['success', 'failure', 'fourK'], options: {} }, creds());
		target.url = server.triggerUrl;
		target.taskId = await ctl.createTask(API_KEY, 'a trigger target', {
			callBackUrl: server.triggerUrl,
		});
		target.otherTaskId = await ctl.createTask(API_KEY, 'another trigger target', {
			callBackUrl: server.triggerUrl,
		});
	});

	it.each(ATTACKS)('%s: refused, starts nothing', async (_name, make, expected) => {
		const answer = await attack(target, make);
		expect(answer.status).toBe(expected);
		expect(server.triggerStarts).toHaveLength(0);
	});

	it('a genuine callback still starts exactly one verified execution; its exact replay starts none', async () => {
		await ctl.complete(target.taskId);
		await ctl.delivered(target.taskId);
		expect(ctl.deliveries(target.taskId).map((d) => d.status)).toEqual([200]);
		expect(server.triggerStarts).toHaveLength(1);
		expect(server.triggerStarts[0].outputs[0][0].json).toMatchObject({
			taskId: target.taskId,
			status: 'success',
			signatureVerified: true,
		});
		const genuine = server.log
			.filter((l) => l.path === '/webhook/veo3' && l.status === 200)
			.at(-1)!;
		const replayed = await replay(server, genuine);
		expect(replayed).toMatchObject({ status: 200, body: { duplicate: true } });
		expect(server.triggerStarts).toHaveLength(1);
	});
});

describe("against a waiting execution's resume URL", () => {
	const target = {} as Target;
	let run: HarnessRun;
	const reads = () => [...ctl.recordReads().values()].reduce((a, b) => a + b, 0);
	const execution = () => server.execution(run.executionId);

	beforeAll(async () => {
		run = await runWorkflow({
			nodes: [
				node('Items', ITEMS_TYPE, {
					items: JSON.stringify([
						{ prompt: 'first wait target' },
						{ prompt: 'second wait target' },
					]),
				}),
				node('Veo3', VEO3_TYPE, {
					resource: 'video',
					operation: 'generate',
					prompt: '={{ $json.prompt }}',
					waitMode: 'callback',
					options: { maxWaitMinutes: 5 },
				}),
			],
			connections: { Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] } },
			credentials: creds(),
			webhookWaitingBaseUrl: server.waitingBaseUrl,
		});
		server.park(run);
		const tasks = new Map(sim.tasks().map((t) => [t.prompt, t.id]));
		target.url = resumeUrlOf(run);
		target.taskId = tasks.get('first wait target') as string;
		target.otherTaskId = tasks.get('second wait target') as string;
	});

	it.each(ATTACKS)(
		'%s: refused, resumes nothing, asks kie nothing',
		async (_name, make, _trigger, expected) => {
			const readsBefore = reads();
			const answer = await attack(target, make);
			expect(answer.status).toBe(expected);
			expect(execution()).toMatchObject({ state: 'waiting', continued: 0 });
			expect(reads()).toBe(readsBefore);
		},
	);

	it('a correctly signed callback for a task of another execution: 400, resumes nothing', async () => {
		const answer = await postCallback(
			target.url,
			successBody(STRANGER),
			signedHeaders(HMAC, STRANGER),
		);
		expect(answer).toMatchObject({
			status: 400,
			body: { error: 'Unknown task ID for this execution' },
		});
		expect(execution()).toMatchObject({ state: 'waiting', continued: 0 });
	});

	it("the resume URL without n8n's token: n8n refuses it (401)", async () => {
		const answer = await postCallback(
			target.url.replace(/\?signature=.*$/, ''),
			successBody(target.taskId),
			signedHeaders(HMAC, target.taskId),
		);
		expect(answer.status).toBe(401);
		expect(execution()).toMatchObject({ state: 'waiting', continued: 0 });
	});

	it('a replay of a genuine callback before the resume reads nothing and resumes nothing', async () => {
		await ctl.complete(target.taskId);
		await ctl.delivered(target.taskId);
		expect(ctl.deliveries(target.taskId)[0].status).toBe(200);
		const genuine = server.log
			.filter((l) => l.path === `/webhook-waiting/${run.executionId}` && l.status === 200)
			.at(-1)!;
		const readsOfTask = ctl.recordReads().get(target.taskId) as number;
		const readsOfOther = ctl.recordReads().get(target.otherTaskId) ?? 0;
		expect(await replay(server, genuine)).toMatchObject({
			status: 200,
			body: { received: true, waiting: true },
		});
		// Its task is known final (kie's record said so): a replay brings nothing new and reads nothing.
		expect(ctl.recordReads().get(target.taskId)).toBe(readsOfTask);
		expect(ctl.recordReads().get(target.otherTaskId) ?? 0).toBe(readsOfOther);
		expect(execution()).toMatchObject({ state: 'waiting', continued: 0 });
	});

	it('after all that, the genuine last callback resumes it once, correctly', async () => {
		await ctl.complete(target.otherTaskId);
		const resumed = await server.waitFor(run.executionId);
		expect(execution()).toMatchObject({ state: 'success', continued: 1 });
		expect(
			resumed
				.output('Veo3')
				.map((i) => i.json as IDataObject)
				.map((j) => [j.prompt, j.taskId, j.status]),
		).toEqual([
			['first wait target', target.taskId, 'success'],
			['second wait target', target.otherTaskId, 'success'],
		]);
	});

	it("a replay after the resume gets n8n's 409 and resumes nothing", async () => {
		await ctl.delivered(target.otherTaskId);
		const genuine = server.log
			.filter((l) => l.path === `/webhook-waiting/${run.executionId}` && l.status === 200)
			.at(-1)!;
		expect((await replay(server, genuine)).status).toBe(409);
		expect(execution().continued).toBe(1);
	});
});

interface DirectAnswer {
	result: IWebhookResponseData;
	status?: number;
	body?: unknown;
}

/**
 * The Veo3 node's webhook() for a waiting execution, called the way WaitingWebhooks does (a fresh
 * copy of the saved execution, n8n-core's real WebhookContext), but without the engine's refusal of
 * an execution that is already resuming: n8n 1.x and queue-mode webhook processors do not always
 * refuse, so the node itself must not resume a batch twice.
 */
async function callNodeWebhook(run: HarnessRun, taskId: string): Promise<DirectAnswer> {
	const data = structuredClone(run.run.data);
	const nodeName = data.resultData.lastNodeExecuted as string;
	const veo3 = run.workflow.getNode(nodeName) as INode;
	const body = successBody(taskId);
	const headers = Object.fromEntries(
		Object.entries({ ...json, ...signedHeaders(HMAC, taskId) }).map(([k, v]) => [
			k.toLowerCase(),
			v,
		]),
	);
	const answer: Omit<DirectAnswer, 'result'> = {};
	const res = {
		headersSent: false,
		status(code: number) {
			answer.status = code;
			return res;
		},
		json(sent: unknown) {
			answer.body = sent;
			res.headersSent = true;
			return res;
		},
	};
	const req = { headers, body, rawBody: Buffer.from(JSON.stringify(body)), query: {}, params: {} };
	const additionalData = {
		...run.additionalData,
		executionId: run.executionId,
		httpRequest: req,
		httpResponse: res,
	} as unknown as IWorkflowExecuteAdditionalData;
	const nodeType = nodeTypes.getByNameAndVersion(veo3.type, veo3.typeVersion);
	const webhookData = {
		httpMethod: 'POST',
		node: nodeName,
		path: '',
		webhookDescription: nodeType.description.webhooks![0],
		workflowId: String(run.workflow.id),
	} as unknown as IWebhookData;
	const context = new WebhookContext(
		run.workflow,
		veo3,
		additionalData,
		run.run.mode,
		webhookData,
		[],
		data,
	);
	const result = await nodeType.webhook!.call(context as never);
	return { result, ...answer };
}

describe('a second resume that n8n does not refuse (n8n 1.x, queue mode): the node refuses it', () => {
	// Parked with the callback server's URLs but never saved there: the simulator's own deliveries
	// get 404, and every callback below reaches the node's webhook() directly.
	async function parkedBatch(prompts: string[]): Promise<{ run: HarnessRun; ids: string[] }> {
		const run = await runWorkflow({
			nodes: [
				node('Items', ITEMS_TYPE, { items: JSON.stringify(prompts.map((prompt) => ({ prompt }))) }),
				node('Veo3', VEO3_TYPE, {
					resource: 'video',
					operation: 'generate',
					prompt: '={{ $json.prompt }}',
					waitMode: 'callback',
					options: { maxWaitMinutes: 5 },
				}),
			],
			connections: { Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] } },
			credentials: creds(),
			webhookWaitingBaseUrl: server.waitingBaseUrl,
		});
		expect(run.run.status).toBe('waiting');
		const tasks = new Map(sim.tasks().map((t) => [t.prompt, t.id]));
		return { run, ids: prompts.map((p) => tasks.get(p) as string) };
	}
	const resumed = (a: DirectAnswer) => a.result.workflowData !== undefined;

	it('the last callback delivered twice at once, and again later: one resume, then alreadyResumed', async () => {
		const { run, ids } = await parkedBatch(['twice first', 'twice second']);
		await ctl.complete(ids[0]);
		await ctl.complete(ids[1]);
		const [a, b] = await Promise.all([callNodeWebhook(run, ids[1]), callNodeWebhook(run, ids[1])]);
		expect([a, b].filter(resumed)).toHaveLength(1);
		const refused = resumed(a) ? b : a;
		expect(refused).toMatchObject({ status: 200, body: { received: true, alreadyResumed: true } });
		const later = await callNodeWebhook(run, ids[0]);
		expect(resumed(later)).toBe(false);
		expect(later).toMatchObject({ status: 200, body: { received: true, alreadyResumed: true } });
	});

	it("a batch resumed (failed) by its first failure: the other task's later callback does not resume it again", async () => {
		const { run, ids } = await parkedBatch(['fails first', 'finishes after the resume']);
		await ctl.complete(ids[0], 'fail');
		const first = await callNodeWebhook(run, ids[0]);
		expect(resumed(first)).toBe(true);
		await ctl.complete(ids[1]);
		const second = await callNodeWebhook(run, ids[1]);
		expect(second.result.workflowData).toBeUndefined();
		expect(second).toMatchObject({ status: 200, body: { received: true, alreadyResumed: true } });
	});
});
