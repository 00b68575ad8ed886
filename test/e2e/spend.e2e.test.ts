// Spending control in a real n8n, on every selected version (E2E_VERSIONS, default v1,v2), with
// active workflows started through production webhooks: the cap refuses a batch and a loop's third
// round before any create, the balance check refuses a batch the balance covers only in part, and
// the same row sent twice costs one task (the memory lives in the workflow's static data, which
// n8n saves when the execution ends). One n8n start per version; renders take ~100 ms.
import { selectedVersions } from './lib';
import {
	callWebhook,
	chain,
	executionError,
	generateParameters,
	nodeOutput,
	nodeRuns,
	splitOutNode,
	useVeo3Instance,
	veo3Node,
	webhookNode,
} from './lib/veo3';

const generate = (extra: Record<string, unknown> = {}, options: Record<string, unknown> = {}) =>
	generateParameters({ waitMode: 'none', ...extra }, options);
const prompts = (n: number) =>
	Array.from({ length: n }, (_, i) => `shot ${i + 1}: a kite over a beach`);

describe.each(selectedVersions())('spending control in real n8n %s', (version) => {
	const { n8n, api, veo } = useVeo3Instance(version);

	const apiCalls = () =>
		veo.sim.requests().filter((r: { endpoint: string }) => r.endpoint !== 'GET /files');

	async function runBatch(
		name: string,
		veo3Parameters: Record<string, unknown>,
		body: Record<string, unknown>,
	) {
		const wf = await api.createWorkflow(
			chain(`${name}-${version}`, [
				webhookNode(`${name}-${version}`),
				splitOutNode('body.prompts'),
				veo3Node(veo3Parameters, veo.credentials),
			]),
		);
		await api.activateWorkflow(wf.id);
		await callWebhook(n8n, `${name}-${version}`, body);
		return await api.waitForExecution((e) => e.status !== 'running' && e.status !== 'new', 60_000, {
			workflowId: wf.id,
		});
	}

	test('a batch over Max Credits per Execution: no request at all, an error naming estimate, cap and item count', async () => {
		const execution = await runBatch('cap', generate({}, { maxCreditsPerExecution: 250 }), {
			prompts: prompts(5),
		});
		expect(execution.status).toBe('error');
		expect(executionError(execution)).toContain(
			'Spending cap reached: this batch of 5 paid requests is estimated at 300 credits, over the Max Credits per Execution of 250. Nothing was sent.',
		);
		expect(apiCalls()).toEqual([]);
	});

	test('a balance that covers 3 of 5: one free balance read, no create, says so', async () => {
		veo.sim.configure({ credits: 200 });
		const execution = await runBatch('balance', generate(), { prompts: prompts(5) });
		expect(execution.status).toBe('error');
		expect(executionError(execution)).toContain(
			'the balance is 200 credits, which covers 3 of the 5 items. Nothing was sent.',
		);
		expect(apiCalls().map((r: { endpoint: string }) => r.endpoint)).toEqual([
			'GET /api/v1/chat/credit',
		]);
		expect(veo.sim.counters().tasksCreated).toBe(0);
	});

	test('the same row twice in an active workflow: one create, the second item reused; memory in the static data', async () => {
		const name = `dedupe-${version}`;
		const wf = await api.createWorkflow(
			chain(name, [
				webhookNode(name),
				veo3Node(
					generate(
						{ waitMode: 'poll', downloadVideo: false },
						{ deduplicateBy: '={{ $json.body.row }}' },
					),
					veo.credentials,
				),
			]),
		);
		await api.activateWorkflow(wf.id);
		const body = { prompt: 'a red kite over the dunes', row: 'sheet-row-42' };
		await callWebhook(n8n, name, body);
		const first = await api.waitForExecution(
			(e) => e.status === 'success' || e.status === 'error',
			60_000,
			{ workflowId: wf.id },
		);
		expect(first.status).toBe('success');
		const [created] = nodeOutput(first, 'Veo3');
		expect(created.json).toMatchObject({ status: 'success', reused: false, estimatedCredits: 60 });

		await callWebhook(n8n, name, body);
		const executions = await api.getExecutions({ workflowId: wf.id });
		expect(executions).toHaveLength(2);
		const second = await api.waitForExecutionDone(
			executions.find((e) => String(e.id) !== String(first.id))!.id,
			60_000,
		);
		expect(second.status).toBe('success');
		const [reused] = nodeOutput(second, 'Veo3');
		expect(reused.json).toMatchObject({
			taskId: created.json.taskId,
			status: 'success',
			videoUrl: created.json.videoUrl,
			reused: true,
			estimatedCredits: 0,
		});
		expect(veo.sim.counters().tasksCreated).toBe(1);

		// n8n saved the memory with the workflow: the node's static data, keys hashed.
		const saved = (await api.getWorkflow(wf.id)).staticData as Record<string, any>;
		expect(Object.values(saved['node:Veo3'].veo3Reuse)).toEqual([
			{ taskId: created.json.taskId, at: expect.any(Number) },
		]);
		expect(JSON.stringify(saved)).not.toContain('sheet-row-42');
	});

	test("Loop Over Items crossing the cap on its third round stops before that round's creates", async () => {
		const name = `loop-${version}`;
		const loop = {
			id: 'loop-node',
			name: 'Loop Over Items',
			type: 'n8n-nodes-base.splitInBatches',
			typeVersion: 3,
			position: [600, 300],
			parameters: { batchSize: 2, options: {} },
		};
		const nodes = [
			webhookNode(name),
			splitOutNode('body.prompts'),
			loop,
			veo3Node(generate({}, { maxCreditsPerExecution: 300 }), veo.credentials),
		];
		const connections = {
			Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] },
			'Loop Over Items': { main: [[], [{ node: 'Veo3', type: 'main', index: 0 }]] },
			Veo3: { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] },
		};
		const wf = await api.createWorkflow({
			name,
			nodes,
			connections,
			settings: { executionOrder: 'v1' },
		});
		await api.activateWorkflow(wf.id);
		await callWebhook(n8n, name, { prompts: prompts(6) });
		const execution = await api.waitForExecution(
			(e) => e.status !== 'running' && e.status !== 'new',
			60_000,
			{ workflowId: wf.id },
		);
		expect(execution.status).toBe('error');
		expect(executionError(execution)).toContain(
			'this batch of 2 paid requests is estimated at 120 credits (plus 240 already spent by this node in this execution), over the Max Credits per Execution of 300',
		);
		expect(veo.sim.counters().tasksCreated).toBe(4);
		expect(nodeRuns(execution, 'Veo3')).toBe(3);
	});
});
