// The n8n internals the Veo3 node relies on (nodes/Veo3/engine/engineInternals.ts), checked in a
// real n8n of each major: if n8n changes underneath, these fail. Plus the custom data that names
// paid tasks after a stop, which is public API but only useful if n8n really saves it then.
import { selectedVersions } from './lib';
import {
	callWebhook,
	chain,
	E2E_POLL,
	nodeOutput,
	nodeRuns,
	noOpNode,
	respondWithExecutionIdNode,
	splitOutNode,
	useVeo3Instance,
	until,
	veo3Node,
	webhookNode,
	type Veo3Setup,
} from './lib/veo3';

// Quotes and expression braces in the name: the resume must never build an expression from it.
const NODE_NAME = 'Veo3 "x" }} {{ 1 }}';
const generate = (waitMode: string, options: Record<string, unknown> = {}) => ({
	resource: 'video',
	operation: 'generate',
	prompt: '={{ $json.prompt }}',
	mode: 'text',
	model: 'veo3_fast',
	aspectRatio: '16:9',
	waitMode,
	options: { ...E2E_POLL, maxWaitMinutes: 2, ...options },
});

async function complete(veo: Veo3Setup, taskId: string): Promise<void> {
	await fetch(`${veo.sim.controlUrl}/tasks/${taskId}/complete`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: '{}',
	});
}

describe.each(selectedVersions())('n8n internals the Veo3 node uses, in real n8n %s', (version) => {
	const { n8n, api, veo } = useVeo3Instance(version);

	async function startBatch(
		path: string,
		prompts: string[],
		waitMode: string,
		extra: Record<string, unknown> = {},
	): Promise<string> {
		const wf = await api.createWorkflow(
			chain(`${path}-${version}`, [
				webhookNode(`${path}-${version}`, 'responseNode'),
				respondWithExecutionIdNode(),
				splitOutNode('body.prompts'),
				veo3Node(generate(waitMode), veo.credentials, extra, NODE_NAME),
				noOpNode('After'),
			]),
		);
		await api.activateWorkflow(wf.id);
		const started = await callWebhook(n8n, `${path}-${version}`, { prompts });
		expect(started.status).toBe(200);
		return String(started.data.executionId);
	}

	test('webhook() reads the waiting node\'s saved context (WebhookContext.runExecutionData): a partial batch answers "waiting", the last callback resumes', async () => {
		veo.sim.configure({ renderMs: 600_000 });
		const id = await startBatch('internals-ctx', ['a lantern', 'a candle'], 'callback');
		await api.waitForExecutionStatus(id, ['waiting'], 20_000);
		// Items are created concurrently, so kie's creation order need not be the items' order.
		const tasks = veo.sim.tasks();
		expect(tasks.map((t: { prompt: string }) => t.prompt).sort()).toEqual([
			'a candle',
			'a lantern',
		]);
		const first = tasks.find((t: { prompt: string }) => t.prompt === 'a lantern');
		const second = tasks.find((t: { prompt: string }) => t.prompt === 'a candle');
		await complete(veo, first.id);
		const answer = await until(
			() => veo.sim.callbacks().find((c: any) => c.taskId === first.id) ?? null,
			10_000,
			'first callback answered',
		);
		expect(answer.status).toBe(200);
		expect((await api.getExecution(id, false)).status).toBe('waiting');
		await complete(veo, second.id);
		const done = await api.waitForExecutionDone(id, 30_000);
		expect(done.status).toBe('success');
		expect(nodeOutput(done, NODE_NAME).map((i) => [i.json.taskId, i.json.status])).toEqual([
			[first.id, 'success'],
			[second.id, 'success'],
		]);
	});

	test('a failed render in callback mode (resumeError): 2.x fails the node, 1.x outputs the error item; the task ID is named', async () => {
		veo.sim.configure({ renderMs: 1500 });
		const id = await startBatch('internals-fail', ['a vase [fail]'], 'callback');
		const done = await api.waitForExecutionDone(id, 30_000);
		const [task] = veo.sim.tasks();
		if (version === 'v2') {
			expect(done.status).toBe('error');
			expect(JSON.stringify((done as any).data?.resultData?.error ?? {})).toContain(task.id);
			expect(nodeRuns(done, 'After')).toBe(0);
		} else {
			const [item] = nodeOutput(done, NODE_NAME);
			expect(item.json).toMatchObject({ taskId: task.id, status: 'failed' });
		}
	});

	test('rerunResumedNode: a resumed node re-enabled by webhook() runs execute() again with its own input, parks again, then its output flows on', async () => {
		veo.sim.configure({ renderMs: 600_000 });
		const path = `internals-rerun-${version}`;
		const wf = await api.createWorkflow(
			chain(path, [
				webhookNode(path, 'responseNode'),
				respondWithExecutionIdNode(),
				veo3Node(
					{
						resource: 'video',
						operation: 'generateScenes',
						scenes: '={{ $json.body.scenes.join("\\n") }}',
						model: 'veo3_fast',
						waitMode: 'callback',
						options: { ...E2E_POLL, maxWaitMinutes: 2 },
					},
					veo.credentials,
					{},
					NODE_NAME,
				),
				noOpNode('After'),
			]),
		);
		await api.activateWorkflow(wf.id);
		const started = await callWebhook(n8n, path, {
			scenes: ['a paper boat', 'the boat sails off'],
		});
		const id = String(started.data.executionId);
		await api.waitForExecutionStatus(id, ['waiting'], 20_000);
		const [first] = veo.sim.tasks();
		await complete(veo, first.id);
		// Only execute() creates tasks: a second task means n8n ran the node again after the resume.
		await until(() => (veo.sim.tasks().length === 2 ? true : null), 20_000, 'scene 2 created');
		await api.waitForExecutionStatus(id, ['waiting'], 20_000);
		const second = veo.sim.tasks()[1];
		expect(second.parentId).toBe(first.id);
		await complete(veo, second.id);
		const done = await api.waitForExecutionDone(id, 30_000);
		expect(done.status).toBe('success');
		expect(nodeOutput(done, NODE_NAME).map((i) => [i.json.taskId, i.json.scenesDone])).toEqual([
			[second.id, 2],
		]);
		expect(nodeRuns(done, NODE_NAME)).toBe(1);
		expect(nodeOutput(done, 'After')).toHaveLength(1);
	});

	test("stop while polling: the execution's custom data names every created task", async () => {
		veo.sim.configure({ renderMs: 600_000 });
		const id = await startBatch('internals-stop', ['a drum', 'a flute', 'a harp'], 'poll');
		await until(() => (veo.sim.tasks().length === 3 ? true : null), 20_000, 'three tasks');
		await new Promise((resolve) => setTimeout(resolve, 500));
		await api.rest('POST', `/executions/${id}/stop`);
		const stopped = await api.waitForExecutionStatus(id, ['canceled'], 20_000);
		const full = await api.rest<any>('GET', `/executions/${id}`);
		const customData = (full.customData ?? (stopped as any).customData ?? {}) as Record<
			string,
			string
		>;
		const named = Object.values(customData).join(' ').split(' ').filter(Boolean).sort();
		console.log(`[e2e] ${version} stop while polling: custom data ${JSON.stringify(customData)}`);
		expect(named).toEqual(
			veo.sim
				.tasks()
				.map((t: any) => t.id)
				.sort(),
		);
	});
});
