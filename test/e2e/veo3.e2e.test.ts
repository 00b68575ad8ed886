// Scenarios in a real n8n, on every selected version (E2E_VERSIONS, default v1,v2): our
// package installed as a community package, the kie.ai simulator (with an HMAC key) behind a
// `veo3Api` credential, workflows started through production webhooks. One n8n per version.
// In-process twins of these checks live in test/workflows/*.test.ts.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { selectedVersions, type N8nApi, type N8nHandle } from './lib';
import {
	callWebhook,
	chain,
	executionError,
	fetchBinary,
	generateParameters,
	noOpNode,
	nodeOutput,
	nodeRuns,
	respondWithExecutionIdNode,
	startVeo3Instance,
	sleep,
	splitOutNode,
	triggerPath,
	until,
	veo3Node,
	veo3TriggerNode,
	VEO3_TOOL_TYPE,
	VEO3_TRIGGER_TYPE,
	VEO3_TYPE,
	webhookNode,
	writeFileNode,
	type Veo3Instance,
	type Veo3Setup,
} from './lib/veo3';

const generate = generateParameters;

describe.each(selectedVersions())('Veo3 in real n8n %s', (version) => {
	let n8n: N8nHandle;
	let api: N8nApi;
	let veo: Veo3Setup;
	let outDir: string;
	let instance: Veo3Instance | undefined;

	beforeAll(async () => {
		// v2 only lets file nodes touch ~/.n8n-files by default: allow our output folder (both versions).
		outDir = fs.mkdtempSync(path.join(os.tmpdir(), `veo3-e2e-out-${version}-`));
		instance = await startVeo3Instance(version, { N8N_RESTRICT_FILE_ACCESS_TO: outDir });
		({ n8n, api, veo } = instance);
	}, 300_000);

	afterAll(async () => {
		await instance?.stop();
		if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
	}, 60_000);

	beforeEach(() => veo?.sim.reset());

	test('1. text-to-video, poll, download -> the Read/Write Files node writes the MP4 the simulator served', async () => {
		const file = path.join(outDir, 'video-{{ $json.taskId }}.mp4');
		const wf = await api.createWorkflow(
			chain(`t2v-${version}`, [
				webhookNode(`t2v-${version}`),
				veo3Node(
					generate({ waitMode: 'poll', downloadVideo: true, binaryPropertyOutput: 'data' }),
					veo.credentials,
				),
				writeFileNode(`=${file}`),
			]),
		);
		await api.activateWorkflow(wf.id);
		const t0 = Date.now();
		const res = await callWebhook(n8n, `t2v-${version}`, {
			prompt: 'a red fox running through snow, cinematic',
		});
		expect(res.status).toBe(200);
		const execution = await api.waitForExecution((e) => e.status !== 'running', 60_000, {
			workflowId: wf.id,
		});
		expect(execution.status).toBe('success');
		const [video] = nodeOutput(execution, 'Veo3');
		expect(video.json).toMatchObject({
			status: 'success',
			prompt: 'a red fox running through snow, cinematic',
			model: 'veo3_fast',
		});
		expect(video.binary?.data).toMatchObject({
			mimeType: 'video/mp4',
			fileName: `${video.json.taskId}.mp4`,
		});
		const [written] = nodeOutput(execution, 'Write File');
		const onDisk = path.join(outDir, `video-${video.json.taskId}.mp4`);
		expect(written.json.fileName).toBe(onDisk);
		const bytes = fs.readFileSync(onDisk);
		const served = await fetchBinary(String(video.json.videoUrl));
		expect(bytes.length).toBeGreaterThan(1000);
		expect(bytes.equals(served)).toBe(true);
		expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
		expect(veo.sim.counters().tasksCreated).toBe(1);
		console.log(`[e2e] ${version} t2v round trip ${Date.now() - t0} ms, ${bytes.length} bytes`);
	});

	test("2. Generate (Don't Wait) with the trigger's Callback URL -> the trigger runs once, verified; a forged callback gets 401", async () => {
		const trigger = veo3TriggerNode(veo.credentials);
		const triggerWf = await api.createWorkflow(
			chain(`trigger-${version}`, [trigger, noOpNode('Received')]),
		);
		await api.activateWorkflow(triggerWf.id, { webhookPaths: [triggerPath(trigger)] });
		const callbackUrl = n8n.webhookUrl(triggerPath(trigger));

		const genWf = await api.createWorkflow(
			chain(`gen-callback-${version}`, [
				webhookNode(`gen-callback-${version}`),
				veo3Node(
					generate(
						{ waitMode: 'none' },
						{ callbackUrl, callbackReference: '={{ $json.body.row }}' },
					),
					veo.credentials,
				),
			]),
		);
		await api.activateWorkflow(genWf.id);
		const res = await callWebhook(n8n, `gen-callback-${version}`, {
			prompt: 'a paper boat on a river',
			row: 'row-7',
		});
		expect(res.status).toBe(200);
		const submitted = Array.isArray(res.data) ? res.data[0] : res.data;
		expect(submitted).toMatchObject({ status: 'generating', reference: 'row-7' });
		const taskId = String(submitted.taskId);

		const started = await api.waitForExecution((e) => e.status === 'success', 30_000, {
			workflowId: triggerWf.id,
		});
		const [item] = nodeOutput(started, 'Veo3 Trigger');
		expect(item.json).toMatchObject({
			taskId,
			status: 'success',
			event: 'success',
			reference: 'row-7',
			signatureVerified: true,
		});
		expect(String(item.json.videoUrl)).toContain(taskId);
		expect(nodeOutput(started, 'Received')).toHaveLength(1);
		const delivered = await until(
			() => {
				const log = veo.sim.callbacks().filter((c: any) => c.taskId === taskId);
				return log.length ? log : null;
			},
			10_000,
			'callback logged',
		);
		expect(delivered.map((c: any) => c.status)).toEqual([200]);

		// A forged delivery of the same task: the simulator re-sends it with a tampered signature.
		const forged = await callSimControl(veo, `/tasks/${taskId}/callback`, { tamper: 'signature' });
		expect(forged).toMatchObject({ status: 200, data: { sent: 1 } });
		const forgedLog = await until(
			() => {
				const log = veo.sim
					.callbacks()
					.filter((c: any) => c.taskId === taskId)
					.slice(1);
				return log.length ? log : null;
			},
			10_000,
			'forged callback answered',
		);
		// (the simulator retries a refused callback like kie.ai does: every attempt is refused)
		expect(forgedLog.every((c: any) => c.status === 401)).toBe(true);
		await sleep(1500);
		const all = await api.getExecutions({ workflowId: triggerWf.id });
		expect(all).toHaveLength(1);
	});

	test('3. Wait for Callback: the execution waits until the simulator calls back; a 5-item batch resumes once with 5 items', async () => {
		veo.sim.configure({ renderMs: 2500 });
		const wf = await api.createWorkflow(
			chain(`wait-cb-${version}`, [
				webhookNode(`wait-cb-${version}`, 'responseNode'),
				respondWithExecutionIdNode(),
				splitOutNode('body.prompts'),
				veo3Node(generate({ waitMode: 'callback' }, { maxWaitMinutes: 2 }), veo.credentials),
				noOpNode('After'),
			]),
		);
		await api.activateWorkflow(wf.id);

		// One item.
		const single = await callWebhook(n8n, `wait-cb-${version}`, {
			prompts: ['a lighthouse at night'],
		});
		expect(single.status).toBe(200);
		const singleId = String(single.data.executionId);
		const waiting = await api.waitForExecutionStatus(singleId, ['waiting'], 15_000);
		expect(waiting.waitTill).toBeTruthy();
		const [task] = veo.sim.tasks();
		expect(task.state).toBe('generating');
		expect(task.callBackUrl).toContain(`/webhook-waiting/${singleId}`);
		if (version === 'v2') expect(task.callBackUrl).toMatch(/\?signature=[0-9a-f]{64}/);
		const done = await api.waitForExecutionDone(singleId, 30_000);
		expect(done.status).toBe('success');
		const [result] = nodeOutput(done, 'Veo3');
		expect(result.json).toMatchObject({
			taskId: task.id,
			status: 'success',
			prompt: 'a lighthouse at night',
		});
		expect(String(result.json.videoUrl)).toContain(task.id);

		// Five items: still one execution, parked until all five tasks called back, resumed once.
		veo.sim.reset();
		veo.sim.configure({ renderMs: 2500 });
		const prompts = ['one', 'two', 'three', 'four', 'five'].map(
			(p) => `scene ${p}: waves on a beach`,
		);
		const batch = await callWebhook(n8n, `wait-cb-${version}`, { prompts });
		const batchId = String(batch.data.executionId);
		await api.waitForExecutionStatus(batchId, ['waiting'], 15_000);
		expect(veo.sim.tasks()).toHaveLength(5);
		const finished = await api.waitForExecutionDone(batchId, 60_000);
		expect(finished.status).toBe('success');
		const out = nodeOutput(finished, 'Veo3');
		expect(out.map((i) => i.json.prompt)).toEqual(prompts);
		expect(out.every((i) => i.json.status === 'success')).toBe(true);
		expect(nodeRuns(finished, 'After')).toBe(1);
		expect(nodeOutput(finished, 'After')).toHaveLength(5);
		// Every callback got an answer n8n accepts (the early ones: "still waiting", the ones after the
		// resume: "already resumed"), none was refused. The node resumes as soon as kie's records say
		// all five are done, so the last deliveries may still be on their way: wait for them.
		for (let waited = 0; veo.sim.callbacks().length < 5 && waited < 15_000; waited += 250) {
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		const answers = veo.sim.callbacks().map((c: any) => c.status);
		expect(answers.length).toBeGreaterThanOrEqual(5);
		expect(answers.every((s: number) => s === 200 || s === 409)).toBe(true);
	});

	test('4. a failed render and a 402 are errors on their items; continue-on-fail keeps the rest', async () => {
		// 100 credits: the first create (60) succeeds, the next ones get 402 "credits insufficient".
		const wf = await api.createWorkflow(
			chain(`fail-${version}`, [
				webhookNode(`fail-${version}`),
				splitOutNode('body.prompts'),
				// Balance check off: this test is about kie's own 402 on an item (the check would
				// refuse the whole batch before any create; spend.e2e.test.ts covers that).
				veo3Node(
					generate({ waitMode: 'poll', downloadVideo: false }, { checkBalanceFirst: 'never' }),
					veo.credentials,
					{ onError: 'continueRegularOutput' },
				),
			]),
		);
		await api.activateWorkflow(wf.id);

		const failed = await callWebhook(n8n, `fail-${version}`, {
			prompts: ['a calm lake', 'a storm [fail]', 'a fox in snow'],
		});
		expect(failed.status).toBe(200);
		let execution = await api.waitForExecution((e) => e.status !== 'running', 60_000, {
			workflowId: wf.id,
		});
		expect(execution.status).toBe('success');
		let out = nodeOutput(execution, 'Veo3');
		expect(out.map((i) => i.json.status)).toEqual(['success', 'failed', 'success']);
		expect(out[1].json).toMatchObject({ errorCode: 501, errorMessage: 'Generation failed' });
		expect(String(out[1].json.error)).toContain(String(out[1].json.taskId));

		veo.sim.reset();
		veo.sim.configure({ credits: 100 });
		const poor = await callWebhook(n8n, `fail-${version}`, { prompts: ['a sunrise', 'a sunset'] });
		expect(poor.status).toBe(200);
		execution = await api.waitForExecution(
			(e) => e.status !== 'running' && e.id !== String(execution.id),
			60_000,
			{ workflowId: wf.id },
		);
		expect(execution.status).toBe('success');
		out = nodeOutput(execution, 'Veo3');
		expect(out).toHaveLength(2);
		// The two creates run at the same time: whichever reaches kie second finds the credits gone.
		const [made, refused] = out[0].json.status === 'success' ? out : [out[1], out[0]];
		expect(made.json).toMatchObject({ status: 'success' });
		expect(String(refused.json.error)).toContain('402');
		expect(String(refused.json.error)).toMatch(/credits are insufficient/);
		expect(['a sunrise', 'a sunset']).toContain(made.json.prompt);
		expect(veo.sim.counters().tasksCreated).toBe(1);

		// Without continue-on-fail the same 402 fails the execution with kie.ai's message.
		const strict = await api.createWorkflow(
			chain(`fail-strict-${version}`, [
				webhookNode(`fail-strict-${version}`),
				veo3Node(generate({ waitMode: 'none' }), veo.credentials),
			]),
		);
		await api.activateWorkflow(strict.id);
		veo.sim.configure({ credits: 10 });
		await callWebhook(n8n, `fail-strict-${version}`, { prompt: 'a moonrise' });
		const stopped = await api.waitForExecution((e) => e.status !== 'running', 30_000, {
			workflowId: strict.id,
		});
		expect(stopped.status).toBe('error');
		expect(executionError(stopped)).toContain('kie.ai error 402');
	});

	test('5. the credential test passes for the right key and fails for a wrong one (HTTP 200, code 401)', async () => {
		const good = await api.testCredential(veo.credential.id);
		expect(good).toMatchObject({ ok: true, status: 'OK' });
		const wrong = await api.createCredential('veo3Api', 'Veo3 wrong key', {
			apiKey: 'sk-not-the-right-key',
			baseUrl: veo.sim.url,
			uploadBaseUrl: veo.sim.uploadUrl,
		});
		const bad = await api.testCredential(wrong.id);
		expect(bad.ok).toBe(false);
		expect(bad.message).toMatch(/code 401/);
		// The simulator really answered HTTP 200 with code 401 (so the body rule, not the status, caught it).
		const credits = veo.sim.requests().filter((r: any) => r.endpoint === 'GET /api/v1/chat/credit');
		expect(credits.map((r: any) => r.code)).toEqual([200, 401]);
	});

	test('6. node types: Veo3, Veo3 Trigger and the tool variant Veo3 Tool are loaded', async () => {
		expect(await api.hasNodeType(VEO3_TYPE)).toBe(true);
		expect(await api.hasNodeType(VEO3_TRIGGER_TYPE)).toBe(true);
		expect(await api.hasNodeType(VEO3_TOOL_TYPE)).toBe(true);
		const credentialTypes = await api.getCredentialTypes();
		expect(credentialTypes.find((c) => c.name === 'veo3Api')?.displayName).toBe(
			'Veo3 (kie.ai) API',
		);
	});
});

async function callSimControl(
	veo: Veo3Setup,
	route: string,
	body: unknown,
): Promise<{ status: number; data: any }> {
	const res = await fetch(`${veo.sim.controlUrl}${route}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: res.status, data: await res.json() };
}
