// Generate Long Video (Scenes) in a real n8n, on every selected version (E2E_VERSIONS, default
// v1,v2): a 4-scene list started by a production webhook makes 1 generate + 3 extends, each
// extending the previous task, and one stitched MP4; a chain refused by kie.ai at scene 3 (402),
// retried from the executions list ("Retry execution", REST) after a top-up, pays for scenes 3 and
// 4 only; with Wait for Callback, a 3-scene video parks the execution (status waiting, no worker)
// while each scene renders and ends with one stitched video; a Max Credits per Execution below the
// chain's estimate refuses it before any request; and examples/scenes-to-drive.json runs with its
// Google Drive node disabled. The run's shared n8n per version (lib/shared-n8n.ts); renders take
// ~100 ms.
import { selectedVersions } from './lib';
import {
	callWebhook,
	chain,
	E2E_POLL,
	EXAMPLE_THIRD_PARTY_TYPES,
	executionError,
	noOpNode,
	nodeOutput,
	nodeRuns,
	prepareExample,
	readExample,
	respondWithExecutionIdNode,
	sleep,
	until,
	useVeo3Instance,
	veo3Node,
	webhookNode,
} from './lib/veo3';

const SCENES = [
	'Morning light in a small bakery, flour dust in the air',
	'Close-up: a croissant is torn open, steam rises',
	'A customer takes the first bite and smiles',
	'The camera pulls back; the sign reads SPRING MENU',
];

const GENERATE = 'POST /api/v1/veo/generate';
const EXTEND = 'POST /api/v1/veo/extend';

const scenesParameters = (options: Record<string, unknown> = {}) => ({
	resource: 'video',
	operation: 'generateScenes',
	sceneSource: 'field',
	scenes: '={{ $json.body.scenes.join("\\n") }}',
	mode: 'text',
	model: 'veo3_fast',
	aspectRatio: '16:9',
	extendModel: 'same',
	waitMode: 'poll',
	downloadVideo: true,
	binaryPropertyOutput: 'data',
	options: { ...E2E_POLL, ...options },
});

describe.each(selectedVersions())('Generate Long Video (Scenes) in real n8n %s', (version) => {
	const { n8n, api, veo } = useVeo3Instance(version);

	const creates = () =>
		veo.sim
			.requests()
			.filter((r: { endpoint: string }) => r.endpoint === GENERATE || r.endpoint === EXTEND);
	const charged = (tasks: Array<{ creditsCharged: number }>) =>
		tasks.reduce((sum, t) => sum + t.creditsCharged, 0);

	async function start(name: string, options: Record<string, unknown> = {}) {
		const path = `${name}-${version}`;
		const wf = await api.createWorkflow(
			chain(path, [webhookNode(path), veo3Node(scenesParameters(options), veo.credentials)]),
		);
		await api.activateWorkflow(wf.id);
		await callWebhook(n8n, path, { scenes: SCENES });
		const execution = await api.waitForExecution(
			(e) => e.status !== 'running' && e.status !== 'new',
			60_000,
			{ workflowId: wf.id },
		);
		return { wf, execution };
	}

	test('4 scenes: 1 generate + 3 extends of the previous task, one stitched video in binary', async () => {
		const { execution } = await start('scenes4');
		expect(execution.status).toBe('success');
		const [video] = nodeOutput(execution, 'Veo3');
		const tasks = veo.sim.tasks();
		expect(creates().map((r: { endpoint: string }) => r.endpoint)).toEqual([
			GENERATE,
			EXTEND,
			EXTEND,
			EXTEND,
		]);
		for (let k = 1; k < 4; k++) expect(tasks[k].parentId).toBe(tasks[k - 1].id);
		expect(video.json).toMatchObject({
			status: 'success',
			taskId: tasks[3].id,
			sceneCount: 4,
			scenesDone: 4,
			estimatedCredits: 240,
			creditsConsumed: 240,
		});
		expect(String(video.json.videoUrl)).toContain(`${tasks[3].id}_0_full`);
		expect(video.json.scenes.map((s: { taskId: string }) => s.taskId)).toEqual(
			tasks.map((t: { id: string }) => t.id),
		);
		expect(video.binary?.data?.mimeType).toBe('video/mp4');
		expect(charged(tasks)).toBe(240);
	});

	test('kie refuses scene 3 (402); after a top-up, "Retry execution" pays for scenes 3 and 4 only', async () => {
		veo.sim.configure({ credits: 130 });
		const { wf, execution } = await start('scenes-retry', { checkBalanceFirst: 'never' });
		expect(execution.status).toBe('error');
		expect(executionError(execution)).toMatch(/Scene 3 of 4 failed: kie.ai error 402/);
		const firstTasks = veo.sim.tasks();
		expect(firstTasks).toHaveLength(2);

		veo.sim.configure({ credits: 1000 });
		await api.rest('POST', `/executions/${execution.id}/retry`, { loadWorkflow: false });
		const retried = await api.waitForExecution(
			(e: any) =>
				String(e.retryOf ?? '') === String(execution.id) &&
				e.status !== 'running' &&
				e.status !== 'new',
			60_000,
			{ workflowId: wf.id },
		);
		expect(retried.status).toBe('success');
		const tasks = veo.sim.tasks();
		expect(tasks).toHaveLength(4);
		expect(creates().filter((r: { endpoint: string }) => r.endpoint === GENERATE)).toHaveLength(1);
		const [video] = nodeOutput(retried, 'Veo3');
		expect(video.json.scenes.map((s: { taskId: string }) => s.taskId).slice(0, 2)).toEqual(
			firstTasks.map((t: { id: string }) => t.id),
		);
		expect(charged(tasks.slice(2))).toBe(120);
	});

	test("a Max Credits per Execution below the chain's estimate makes 0 requests", async () => {
		// 4 Fast scenes: 60 credits each, 240 in all; the cap of 200 would be passed at scene 4,
		// so the whole chain is refused before scene 1 rather than stopping part-way, paid.
		const { execution } = await start('scenes-cap', { maxCreditsPerExecution: 200 });
		expect(execution.status).toBe('error');
		expect(executionError(execution)).toContain(
			'Spending cap reached: this batch of 4 paid requests is estimated at 240 credits, over the Max Credits per Execution of 200. Nothing was sent.',
		);
		expect(creates()).toEqual([]);
		// Not even the free balance read: the cap is judged first, from the prices alone.
		expect(
			veo.sim.requests().filter((r: { endpoint: string }) => r.endpoint !== 'GET /files'),
		).toEqual([]);
		expect(veo.sim.tasks()).toEqual([]);
		expect(veo.sim.counters()).toMatchObject({ tasksCreated: 0, creditsSpent: 0 });
		expect(nodeRuns(execution, 'Veo3')).toBe(1);
	});

	test('Wait for Callback: 3 scenes, the execution waits (no worker) while each renders, 1 generate + 2 extends, one stitched video', async () => {
		// Scenes render until the test finishes them, so "waiting while a scene renders" is observed, not raced.
		veo.sim.configure({ renderMs: 600_000 });
		const path = `scenes-cb-${version}`;
		const wf = await api.createWorkflow(
			chain(path, [
				webhookNode(path, 'responseNode'),
				respondWithExecutionIdNode(),
				veo3Node(
					{
						...scenesParameters({ maxWaitMinutes: 5 }),
						scenes: '={{ $json.body.scenes.slice(0, 3).join("\\n") }}',
						waitMode: 'callback',
					},
					veo.credentials,
				),
				noOpNode('After'),
			]),
		);
		await api.activateWorkflow(wf.id);
		const started = await callWebhook(n8n, path, { scenes: SCENES });
		const id = String(started.data.executionId);
		for (let scene = 1; scene <= 3; scene++) {
			const parked = await api.waitForExecutionStatus(id, ['waiting'], 30_000);
			expect(parked.waitTill).toBeTruthy();
			const tasks = veo.sim.tasks();
			expect(tasks).toHaveLength(scene);
			const current = tasks[scene - 1];
			expect(current.state).toBe('generating');
			expect(current.kind).toBe(scene === 1 ? 'generate' : 'extend');
			if (scene > 1) expect(current.parentId).toBe(tasks[scene - 2].id);
			expect(current.callBackUrl).toContain(`/webhook-waiting/${id}`);
			if (version === 'v2') expect(current.callBackUrl).toMatch(/\?signature=[0-9a-f]{64}/);
			// Still waiting a moment later: nothing is polling, the execution holds no worker.
			await sleep(1500);
			expect((await api.getExecution(id, false)).status).toBe('waiting');
			await fetch(`${veo.sim.controlUrl}/tasks/${current.id}/complete`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: '{}',
			});
			if (scene < 3)
				await until(async () => veo.sim.tasks().length === scene + 1, 30_000, `scene ${scene + 1}`);
		}
		const done = await api.waitForExecutionDone(id, 60_000);
		expect(done.status).toBe('success');
		const tasks = veo.sim.tasks();
		expect(creates().map((r: { endpoint: string }) => r.endpoint)).toEqual([
			GENERATE,
			EXTEND,
			EXTEND,
		]);
		const [video] = nodeOutput(done, 'Veo3');
		expect(video.json).toMatchObject({
			status: 'success',
			taskId: tasks[2].id,
			sceneCount: 3,
			scenesDone: 3,
			creditsConsumed: 180,
		});
		expect(String(video.json.videoUrl)).toContain(`${tasks[2].id}_0_full`);
		expect(nodeRuns(done, 'Veo3')).toBe(1);
		expect(nodeOutput(done, 'After')).toHaveLength(1);
		expect(charged(tasks)).toBe(180);
		// Every callback got an answer kie accepts, and none paid for anything.
		for (let waited = 0; veo.sim.callbacks().length < 3 && waited < 15_000; waited += 250)
			await sleep(250);
		expect(
			veo.sim.callbacks().every((c: { status: number }) => c.status === 200 || c.status === 409),
		).toBe(true);
		expect(veo.sim.tasks()).toHaveLength(3);
	});

	test('examples/scenes-to-drive.json (Drive disabled): one 4-scene video per sheet video', async () => {
		const example = prepareExample(readExample('scenes-to-drive.json'), veo.credential, {
			disableTypes: EXAMPLE_THIRD_PARTY_TYPES,
			pollIntervalSeconds: 0.2,
		});
		const wf = await api.createWorkflow(example);
		const result = await api.runManual(wf.id);
		const [video] = nodeOutput(result, 'Make Long Video');
		expect(video.json).toMatchObject({
			status: 'success',
			group: 'spring-ad',
			sceneCount: 4,
			scenesDone: 4,
		});
		expect(video.binary?.data?.mimeType).toBe('video/mp4');
		expect(nodeOutput(result, 'Upload to Google Drive')).toHaveLength(1);
		expect(veo.sim.tasks()).toHaveLength(4);
	});
});
