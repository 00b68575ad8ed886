/**
 * The nodes in n8n 2.x queue mode. Redis + Postgres (queue/services.ts), a main with
 * production webhooks disabled, one webhook processor (`n8n webhook`) and two workers; binary data
 * in `database` mode. The kie.ai simulator calls back through the webhook processor's URL.
 *
 *  - the Veo3 Trigger receives callbacks through the webhook processor; its executions run on workers;
 *  - Wait for Callback parks executions and resumes them on a worker;
 *  - poll mode downloads the MP4 into binary data (database mode), readable from main;
 *  - a worker SIGKILLed while the node polls: one task, the execution ends failed, the log names the task;
 *  - a worker SIGKILLed mid-render loses nothing: the parked executions resume on the other worker.
 *
 * Run by test/e2e/run-queue.sh (installs the services, bounds everything with `timeout 15m`).
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';

import axios from 'axios';

import {
	selectedVersions,
	setupOwner,
	startSimulatorForE2E,
	type Execution,
	type N8nApi,
} from './lib';
import { activateOn, startQueueCluster, type QueueCluster } from './queue/cluster';
import { generateFlow, triggerFlow, type CredRef } from './queue/workflows';

const API_KEY = 'sk-queue-e2e-5f1a';
const HMAC = 'hmac-queue-e2e-2b77';
// Queue mode is a 2.x feature here (docs/n8n-notes.md#queue-mode): the suite runs when v2 is selected.
const RUN = selectedVersions().includes('v2');
const d = RUN ? describe : describe.skip;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
jest.setTimeout(5 * 60_000);

d('n8n 2.x queue mode: main + webhook processor + 2 workers', () => {
	let cluster: QueueCluster;
	let api: N8nApi;
	let sim: any;
	let cred: CredRef;
	const http = axios.create({ proxy: false, validateStatus: () => true, timeout: 30_000 });

	beforeAll(async () => {
		const t0 = Date.now();
		cluster = await startQueueCluster({
			workers: 2,
			workerConcurrency: 5,
			name: 'n8n-v2-queue-e2e',
			env: {
				// A dead worker's job is found stalled within ~15 s instead of up to 90 s, and main's
				// sweep that marks such executions crashed runs every minute instead of every 3 hours.
				QUEUE_WORKER_LOCK_DURATION: '10000',
				QUEUE_WORKER_LOCK_RENEW_TIME: '3000',
				QUEUE_WORKER_STALLED_INTERVAL: '5000',
				N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1',
			},
		});
		console.log(
			`[queue e2e] cluster up in ${Date.now() - t0} ms (main ${cluster.main.baseUrl}, webhook ${cluster.webhookBaseUrl})`,
		);
		api = await setupOwner(cluster.main);
		sim = await startSimulatorForE2E({
			apiKey: API_KEY,
			hmacKey: HMAC,
			profile: 'fast',
			renderMs: 3000,
			callbackRetries: 2,
			rateLimit: { max: 1000 },
		});
		const created = await api.createCredential('veo3Api', 'kie (simulator)', {
			apiKey: API_KEY,
			baseUrl: sim.url,
			uploadBaseUrl: sim.uploadUrl,
			webhookHmacSecret: HMAC,
		});
		cred = { id: created.id, name: created.name };
	}, 8 * 60_000);

	afterAll(async () => {
		await sim?.stop();
		await cluster?.stop();
	}, 2 * 60_000);

	async function deploy(
		json: ReturnType<typeof generateFlow>,
		probePaths: string[],
	): Promise<string> {
		const wf = await api.createWorkflow(json);
		await activateOn(
			api,
			wf.id,
			probePaths.map((p) => `${cluster.webhookBaseUrl}/webhook/${p}`),
		);
		return wf.id;
	}

	async function fire(path: string, body: Record<string, unknown>): Promise<void> {
		const res = await http.post(`${cluster.webhookBaseUrl}/webhook/${path}`, body);
		expect(res.status).toBe(200);
	}

	async function executionsOf(workflowId: string, n: number): Promise<Execution[]> {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const list = await api.getExecutions({ workflowId, limit: 100 });
			if (list.length >= n || Date.now() > deadline) return list;
			await sleep(250);
		}
	}

	/** How often worker `i`'s log says it started execution `id` (first run and each resume). */
	function startsIn(i: number, executionId: string): number {
		const text = fs.readFileSync(cluster.workerLogPaths[i], 'utf8');
		return (text.match(new RegExp(`started execution ${executionId}\\b`, 'g')) ?? []).length;
	}

	it('main does not serve production webhooks; the webhook processor does', async () => {
		const path = `probe-${randomUUID().slice(0, 8)}`;
		await deploy(generateFlow(path, cred, 'none'), [path]);
		const onMain = await http.post(`${cluster.main.baseUrl}/webhook/${path}`, { prompt: 'x' });
		expect(onMain.status).not.toBe(200);
	});

	it('Veo3 Trigger: callbacks arrive through the webhook processor and the executions run on workers', async () => {
		const triggerWebhookId = randomUUID();
		const triggerUrl = `${cluster.webhookBaseUrl}/webhook/${triggerWebhookId}/veo3`;
		const triggerWf = await api.createWorkflow(triggerFlow(triggerWebhookId, cred));
		await activateOn(api, triggerWf.id, [triggerUrl]);

		const path = `gen-none-${randomUUID().slice(0, 8)}`;
		await deploy(generateFlow(path, cred, 'none', { callbackUrl: triggerUrl }), [path]);
		const prompts = ['a lighthouse at dawn', 'a fox in snow', 'a paper boat'];
		for (const prompt of prompts) await fire(path, { prompt });

		const deadline = Date.now() + 90_000;
		let done: Execution[] = [];
		while (Date.now() < deadline) {
			done = (await api.getExecutions({ workflowId: triggerWf.id, includeData: true })).filter(
				(e) => e.status === 'success',
			);
			if (done.length >= prompts.length) break;
			await sleep(500);
		}
		expect(done).toHaveLength(prompts.length);
		const taskIds = new Set(
			sim
				.tasks()
				.filter((t: any) => prompts.includes(t.prompt))
				.map((t: any) => t.id),
		);
		for (const e of done) {
			const [item] = e.data.resultData.runData['Veo3 Trigger'][0].data.main[0];
			expect(taskIds.has(item.json.taskId)).toBe(true);
			expect(item.json.status).toBe('success');
			expect(e.data.resultData.runData.Next).toBeDefined();
			// Ran on a worker (main never logs "started execution" in queue mode).
			expect(cluster.workersThatRan(e.id).length).toBe(1);
		}
		const deliveries = sim.callbacks().filter((c: any) => taskIds.has(c.taskId));
		expect(deliveries.length).toBeGreaterThanOrEqual(prompts.length);
		expect(
			deliveries.every((c: any) => c.url.startsWith(cluster.webhookBaseUrl) && c.status === 200),
		).toBe(true);
		console.log(
			`[queue e2e] trigger executions ${done.map((e) => `#${e.id} on worker ${cluster.workersThatRan(e.id)[0] + 1}`).join(', ')}`,
		);
	});

	it('Wait for Callback: parks, then resumes on a worker through the webhook processor', async () => {
		const path = `gen-cb-${randomUUID().slice(0, 8)}`;
		const wfId = await deploy(generateFlow(path, cred, 'callback'), [path]);
		const prompts = ['cb one', 'cb two', 'cb three', 'cb four'];
		for (const prompt of prompts) await fire(path, { prompt });
		const list = await executionsOf(wfId, prompts.length);
		expect(list).toHaveLength(prompts.length);
		// Parked first (the render takes 3 s).
		const parked = await Promise.all(
			list.map((e) => api.waitForExecutionStatus(e.id, ['waiting', 'success'], 30_000)),
		);
		expect(parked.filter((e) => e.status === 'waiting').length).toBeGreaterThanOrEqual(1);
		const finished = await Promise.all(list.map((e) => api.waitForExecutionDone(e.id, 90_000)));
		for (const e of finished) {
			expect(e.status).toBe('success');
			const [item] = e.data.resultData.runData.Veo3.at(-1).data.main[0];
			expect(item.json).toMatchObject({ status: 'success' });
			expect(String(item.json.videoUrl)).toContain(String(item.json.taskId));
			expect(e.data.resultData.runData.Next).toBeDefined();
			// Two job starts on workers: the first run that parked, and the resume.
			expect(startsIn(0, e.id) + startsIn(1, e.id)).toBe(2);
		}
		const callbackUrls = sim
			.tasks()
			.filter((t: any) => prompts.includes(t.prompt))
			.map((t: any) => t.callBackUrl as string);
		expect(
			callbackUrls.every(
				(u: string) =>
					u.startsWith(`${cluster.webhookBaseUrl}/webhook-waiting/`) && u.includes('signature='),
			),
		).toBe(true);
		console.log(
			`[queue e2e] callback-wait: ${finished.map((e) => `#${e.id} starts w1=${startsIn(0, e.id)} w2=${startsIn(1, e.id)}`).join(', ')}`,
		);
	});

	it('poll mode: the MP4 lands in binary data (database mode) and can be read back', async () => {
		const path = `gen-poll-${randomUUID().slice(0, 8)}`;
		const wfId = await deploy(
			generateFlow(
				path,
				cred,
				'poll',
				{ pollIntervalSeconds: 0.5, maxWaitMinutes: 2 },
				{ downloadVideo: true },
			),
			[path],
		);
		await fire(path, { prompt: 'a binary cat' });
		const [e0] = await executionsOf(wfId, 1);
		const e = await api.waitForExecutionDone(e0.id, 90_000);
		expect(e.status).toBe('success');
		const [item] = e.data.resultData.runData.Veo3[0].data.main[0];
		const bin = item.binary?.data;
		expect(bin).toBeDefined();
		expect(bin.mimeType).toBe('video/mp4');
		expect(String(bin.id)).toMatch(/^database:/);
		expect(cluster.workersThatRan(e.id)).toHaveLength(1);
		// The same bytes kie serves, read back through main's REST API.
		const kie = await http.get(String(item.json.videoUrl), { responseType: 'arraybuffer' });
		const back = await api.session.request(
			'GET',
			`/rest/binary-data?id=${encodeURIComponent(bin.id)}&action=download`,
		);
		expect(back.status).toBe(200);
		const readBack = Number(back.headers['content-length'] ?? String(back.data ?? '').length);
		console.log(
			`[queue e2e] binary ${bin.id}: fileSize ${bin.fileSize}, kie serves ${kie.data.byteLength} bytes, read back ${readBack}`,
		);
		expect(readBack).toBeGreaterThan(0);
		if (back.headers['content-length']) expect(readBack).toBe(kie.data.byteLength);
	});

	it("a worker SIGKILLed while the node polls: the task is created once, the execution ends failed, the worker's log names the task", async () => {
		sim.configure({ renderMs: 600_000 });
		const path = `gen-poll-kill-${randomUUID().slice(0, 8)}`;
		const wfId = await deploy(
			generateFlow(path, cred, 'poll', { pollIntervalSeconds: 1, maxWaitMinutes: 30 }),
			[path],
		);
		const prompt = `poll kill ${randomUUID().slice(0, 8)}`;
		await fire(path, { prompt });
		const [e0] = await executionsOf(wfId, 1);
		const ours = () => sim.tasks().filter((t: any) => t.prompt === prompt);
		for (let i = 0; ours().length === 0 && i < 300; i++) await sleep(100);
		const [task] = ours();
		expect(task).toBeDefined();
		await sleep(1500); // the node is polling now
		const [victim] = cluster.workersThatRan(e0.id);
		const killedAt = Date.now();
		cluster.killWorker(victim);
		try {
			// Whichever comes first ends it: the process that enqueued the job learns from Bull that it
			// stalled and marks it failed (n8n allows no second attempt), or main's sweep finds a running
			// execution without a job and marks it crashed. Both seen here with the short lock set above.
			const ended = await api.waitForExecutionStatus(e0.id, ['crashed', 'error'], 150_000);
			const reason = JSON.stringify(ended.data?.resultData?.error ?? {});
			console.log(
				`[queue e2e] poll kill: execution ${e0.id} ${ended.status} ${Date.now() - killedAt} ms after the kill: ${reason.slice(0, 200)}`,
			);
			expect(['error', 'crashed']).toContain(ended.status);
			// n8n keeps nothing of a node that was running in a dead process, custom data included
			// (README: "Stops, restarts and crashes"); the worker's log has the task.
			const saved = await api.getExecution(e0.id, true);
			expect(JSON.stringify(saved.data ?? {})).not.toContain(task.id);
			const log = fs.readFileSync(cluster.workerLogPaths[victim], 'utf8');
			expect(log).toContain(`Veo3: kie.ai task ${task.id} created (execution ${e0.id}, `);
			expect(log).not.toContain(API_KEY);
			// No one ran the execution again: kie has the one task, which renders on and is paid.
			expect(ours()).toHaveLength(1);
			expect(cluster.workersThatRan(e0.id)).toEqual([victim]);
		} finally {
			sim.configure({ renderMs: 3000 });
			await cluster.restartWorker(victim);
		}
	});

	it('a worker SIGKILLed mid-render loses no task: the parked executions resume on the other worker', async () => {
		sim.configure({ renderMs: 600_000 }); // renders until the test completes them
		try {
			const path = `gen-kill-${randomUUID().slice(0, 8)}`;
			const wfId = await deploy(generateFlow(path, cred, 'callback'), [path]);
			const prompts = Array.from({ length: 6 }, (_, i) => `kill test ${i}`);
			for (const prompt of prompts) await fire(path, { prompt });
			const list = await executionsOf(wfId, prompts.length);
			expect(list).toHaveLength(prompts.length);
			await Promise.all(list.map((e) => api.waitForExecutionStatus(e.id, ['waiting'], 60_000)));
			const ranOn = new Map(list.map((e) => [e.id, cluster.workersThatRan(e.id)[0]]));
			// Kill the worker that parked the most executions.
			const counts = [0, 1].map((w) => [...ranOn.values()].filter((v) => v === w).length);
			const victim = counts[0] >= counts[1] ? 0 : 1;
			const survivor = 1 - victim;
			const pid = cluster.killWorker(victim);
			console.log(
				`[queue e2e] parked per worker ${JSON.stringify(counts)}; SIGKILL worker ${victim + 1} (pid ${pid}) while ${prompts.length} renders run`,
			);
			await sleep(1000);
			expect(cluster.workerPid(victim)).toBeUndefined();

			const tasks = sim.tasks().filter((t: any) => prompts.includes(t.prompt));
			expect(tasks).toHaveLength(prompts.length);
			expect(tasks.every((t: any) => t.state === 'generating')).toBe(true);
			for (const t of tasks) await http.post(`${sim.controlUrl}/tasks/${t.id}/complete`, {});

			const finished = await Promise.all(list.map((e) => api.waitForExecutionDone(e.id, 120_000)));
			for (const e of finished) {
				expect(e.status).toBe('success');
				expect(e.data.resultData.runData.Next).toBeDefined();
				expect(startsIn(survivor, e.id)).toBeGreaterThanOrEqual(1);
			}
			const resumedOnSurvivor = finished.filter(
				(e) => ranOn.get(e.id) === victim && startsIn(survivor, e.id) === 1,
			).length;
			expect(resumedOnSurvivor).toBe(counts[victim]);
			expect(
				new Set(
					finished.map((e) => e.data.resultData.runData.Veo3.at(-1).data.main[0][0].json.taskId),
				).size,
			).toBe(prompts.length);
		} finally {
			sim.configure({ renderMs: 3000 });
		}
	});
});
