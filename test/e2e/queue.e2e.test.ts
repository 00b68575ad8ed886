// Queue mode (main + 1 worker on Redis + PostgreSQL, recipes §8): the webhook -> wait -> resume
// round trip must run on the worker, which is where our node's wait/resume matters most.
// Opt-in (E2E_QUEUE=1; run.sh then installs redis/postgres with install-queue.sh): it needs two
// extra services and ~2 GB of RAM.
import * as fs from 'fs';

import { webhookWaitSetWorkflow } from './fixtures/workflows';
import { ourPackageDirForTests, plainHttp, setupOwner, startN8n, type N8nApi, type N8nHandle } from './lib';
import { startQueueServices, type QueueServices } from './lib/queue-services';

const enabled = process.env.E2E_QUEUE === '1';
if (!enabled) console.log('[e2e] queue mode tests skipped (set E2E_QUEUE=1)');

(enabled ? describe : describe.skip)('n8n v2 queue mode', () => {
	let services: QueueServices;
	let n8n: N8nHandle;
	let api: N8nApi;

	beforeAll(async () => {
		services = await startQueueServices({ workers: 1 });
		n8n = await startN8n({ version: 'v2', queue: services.queue, packageDir: ourPackageDirForTests() });
		console.log(`[e2e] ${n8n.name} (queue, 1 worker) ready in ${n8n.startupMs} ms`);
		api = await setupOwner(n8n);
	}, 300_000);

	afterAll(async () => {
		await n8n?.stop();
		await services?.stop();
	}, 90_000);

	test('webhook -> wait -> signed resume runs on the worker', async () => {
		const workflow = await api.createWorkflow(webhookWaitSetWorkflow('queue-smoke'));
		await api.activateWorkflow(workflow.id);
		const http = plainHttp();
		const first = await http.post(n8n.webhookUrl('queue-smoke'), { name: 'queue' });
		expect(first.status).toBe(200);
		const { resumeUrl, executionId } = first.data as { resumeUrl: string; executionId: string };
		expect(resumeUrl).toMatch(/\?signature=[0-9a-f]{64}$/);
		await api.waitForExecutionStatus(executionId, ['waiting'], 30_000);
		expect((await http.post(resumeUrl, { answer: 'from-queue' })).status).toBe(200);
		const done = await api.waitForExecutionDone(executionId, 60_000);
		expect(done.status).toBe('success');
		expect(done.data.resultData.runData.Set[0].data.main[0][0].json).toEqual({ greeting: 'hello queue', resumedWith: 'from-queue' });
		const workerLog = fs.readFileSync(n8n.workerLogPaths[0], 'utf8');
		expect(workerLog).toMatch(new RegExp(`Worker started execution ${executionId}\\b`));
	});
});
