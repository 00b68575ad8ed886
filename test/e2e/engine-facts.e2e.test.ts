// What n8n's engine keeps for a node across Retry On Fail, a stop, "Retry execution" and a
// restart, measured with the Engine Probe fixture in real n8n 1.x and 2.x. These facts decide
// where the Veo3 node can keep the IDs of tasks it paid for; the README's "Waiting, errors and
// retries" section relies on them. One n8n per version; the restart case uses a second one.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { selectedVersions, setupOwner, startN8n, type N8nApi, type N8nHandle } from './lib';
import { callWebhook, chain, respondWithExecutionIdNode, sleep, until, webhookNode } from './lib/veo3';
import { ENGINE_PROBE_DIR, PROBE, probeNode, probeRecord, waitForWebhookNode, type ProbeBehaviour } from './fixtures/engine-probe';

const fact = (label: string, value: unknown) => console.log(`[fact] ${label}: ${JSON.stringify(value)}`);

describe.each(selectedVersions())('n8n engine facts %s', (version) => {
	let n8n: N8nHandle;
	let api: N8nApi;
	let seq = 0;

	beforeAll(async () => {
		n8n = await startN8n({ version, packageDir: null, extraPackageDirs: [ENGINE_PROBE_DIR] });
		api = await setupOwner(n8n);
	}, 300_000);
	afterAll(async () => await n8n?.stop(), 60_000);

	/** Webhook -> Respond {executionId} -> Probe [-> more]; returns the started execution's id. */
	async function start(behaviour: ProbeBehaviour, params: Record<string, number> = {}, settings: Record<string, unknown> = {}, after: any[] = [], target = { n8n: () => n8n, api: () => api }) {
		const hook = `facts-${version}-${++seq}`;
		const wf = await target.api().createWorkflow(chain(hook, [webhookNode(hook, 'responseNode'), respondWithExecutionIdNode(), probeNode(behaviour, params, settings), ...after]));
		await target.api().activateWorkflow(wf.id);
		const res = await callWebhook(target.n8n(), hook, {});
		expect(res.status).toBe(200);
		return { workflowId: wf.id, executionId: String(res.data.executionId) };
	}

	test('Retry On Fail: same runIndex, node context kept across tries; the "json.error in first item" rule', async () => {
		const thrown = await start('throw', { untilTry: 3 }, { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 });
		const a = probeRecord(await api.waitForExecutionDone(thrown.executionId));
		fact('retryOnFail throw x2 then pass', a);
		const errorItem = await start('errorItem', { untilTry: 3 }, { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 });
		const b = probeRecord(await api.waitForExecutionDone(errorItem.executionId));
		fact('retryOnFail errorItem x2 then pass', b);
		const always = await start('errorItem', {}, { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 });
		const c = probeRecord(await api.waitForExecutionDone(always.executionId));
		fact('retryOnFail errorItem always', c);
	});

	test('On Error "Continue (using error output)": which item shape goes to the error output', async () => {
		for (const behaviour of ['errorItem', 'errorOnlyItem', 'throw'] as ProbeBehaviour[]) {
			const run = await start(behaviour, {}, { onError: 'continueErrorOutput' });
			fact(`continueErrorOutput ${behaviour}`, probeRecord(await api.waitForExecutionDone(run.executionId)));
		}
		const regular = await start('throw', {}, { onError: 'continueRegularOutput' });
		fact('continueRegularOutput throw', probeRecord(await api.waitForExecutionDone(regular.executionId)));
	});

	test('stop while the node runs, and while the execution is parked', async () => {
		const running = await start('sleep', { sleepMs: 60_000 });
		await until(async () => (await api.getExecution(running.executionId)).status === 'running', 15_000, 'running');
		await sleep(1000);
		await api.rest('POST', `/executions/${running.executionId}/stop`, {});
		const stopped = await api.waitForExecutionDone(running.executionId, 30_000);
		fact('stop while running (immediately)', probeRecord(stopped));
		await sleep(3000);
		fact('stop while running (3 s later)', probeRecord(await api.getExecution(running.executionId)));
		const restExec = await api.rest('GET', `/executions/${running.executionId}`);
		fact('stop while running: REST customData', restExec?.customData ?? Object.keys(restExec ?? {}));
		fact('static data after stop', (await api.getWorkflow(running.workflowId)).staticData ?? null);

		const parked = await start('pass', {}, {}, [waitForWebhookNode()]);
		await api.waitForExecutionStatus(parked.executionId, ['waiting'], 15_000);
		fact('parked (before stop)', probeRecord(await api.getExecution(parked.executionId)));
		await api.rest('POST', `/executions/${parked.executionId}/stop`, {});
		const stoppedParked = await api.waitForExecutionDone(parked.executionId, 30_000);
		fact('stop while parked', probeRecord(stoppedParked));
		const restParked = await api.rest('GET', `/executions/${parked.executionId}`);
		fact('stop while parked: REST customData', restParked?.customData ?? null);
	});

	test('"Retry execution" (REST, as the executions list calls it): what the retried run carries over', async () => {
		for (const loadWorkflow of [false, true]) {
			const failed = await start('throw', { untilTry: 2 });
			const first = await api.waitForExecutionDone(failed.executionId);
			fact(`original (loadWorkflow=${loadWorkflow})`, probeRecord(first));
			fact('static data after failure', (await api.getWorkflow(failed.workflowId)).staticData ?? null);
			const retried = await api.rest('POST', `/executions/${failed.executionId}/retry`, { loadWorkflow });
			fact(`retry response (loadWorkflow=${loadWorkflow})`, typeof retried === 'object' ? Object.keys(retried ?? {}) : retried);
			const list = await api.getExecutions({ workflowId: failed.workflowId, includeData: true });
			const retry = list.find((e: any) => String(e.retryOf ?? '') === failed.executionId) ?? list.find((e) => e.id !== failed.executionId);
			fact(`retried execution (loadWorkflow=${loadWorkflow})`, { id: retry?.id, mode: retry?.mode, retryOf: (retry as any)?.retryOf, ...probeRecord(retry as any) });
		}
		// A stopped execution retried.
		const running = await start('sleep', { sleepMs: 60_000 });
		await until(async () => (await api.getExecution(running.executionId)).status === 'running', 15_000, 'running');
		await sleep(800);
		await api.rest('POST', `/executions/${running.executionId}/stop`, {});
		await api.waitForExecutionDone(running.executionId, 30_000);
		const retriedStopped = await api.session.request('POST', `/rest/executions/${running.executionId}/retry`, { loadWorkflow: false }, 90_000);
		fact('retry of a stopped execution', { status: retriedStopped.status, body: JSON.stringify(retriedStopped.data).slice(0, 300) });
	});

	test('restart while the node runs (SIGTERM, then SIGKILL)', async () => {
		for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
			const folder = fs.mkdtempSync(path.join(os.tmpdir(), `facts-restart-${version}-`));
			let one: N8nHandle | undefined = await startN8n({ version, packageDir: null, extraPackageDirs: [ENGINE_PROBE_DIR], userFolder: folder, env: { N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5' } });
			try {
				const oneApi = await setupOwner(one);
				const run = await start('sleep', { sleepMs: 120_000 }, {}, [], { n8n: () => one as N8nHandle, api: () => oneApi });
				await sleep(1500);
				const t0 = Date.now();
				await one.kill(signal);
				fact(`${signal}: n8n gone after ms`, Date.now() - t0);
				await one.stop();
				one = await startN8n({ version, packageDir: null, extraPackageDirs: [ENGINE_PROBE_DIR], userFolder: folder, port: one.port });
				const again = await setupOwnerOrLogin(one);
				await sleep(3000);
				const after = await again.getExecution(run.executionId);
				fact(`${signal}: execution after restart`, probeRecord(after));
			} finally {
				await one?.stop();
				fs.rmSync(folder, { recursive: true, force: true });
			}
		}
	});
});

async function setupOwnerOrLogin(n8n: N8nHandle): Promise<N8nApi> {
	const { CookieSession, N8nApi: Api, E2E_OWNER } = await import('./lib');
	const session = new CookieSession(n8n.baseUrl);
	await session.rest('POST', '/login', { emailOrLdapLoginId: E2E_OWNER.email, password: E2E_OWNER.password });
	const scopes = await session.rest<string[]>('GET', '/api-keys/scopes');
	const key = await session.rest<{ rawApiKey: string }>('POST', '/api-keys', { label: `e2e-again-${Date.now()}`, expiresAt: null, scopes });
	return new Api(n8n, session, key.rawApiKey, { email: E2E_OWNER.email, password: E2E_OWNER.password });
}
void PROBE;
