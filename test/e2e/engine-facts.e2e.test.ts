// What n8n's engine keeps for a node across Retry On Fail, a stop, "Retry execution" and a
// restart, measured with the Engine Probe fixture in real n8n 1.x and 2.x. These facts decide
// where the Veo3 node can keep the IDs of tasks it paid for; the README's "Waiting, errors and
// retries" section relies on them. One n8n per version; the restart case uses a second one.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { selectedVersions, setupOwner, startN8n, type N8nApi, type N8nHandle } from './lib';
import {
	callWebhook,
	chain,
	respondWithExecutionIdNode,
	sleep,
	until,
	webhookNode,
} from './lib/veo3';
import {
	ENGINE_PROBE_DIR,
	probeNode,
	probeRecord,
	waitForWebhookNode,
	type ProbeBehaviour,
} from './fixtures/engine-probe';

const fact = (label: string, value: unknown) =>
	console.log(`[fact] ${label}: ${JSON.stringify(value)}`);

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
	async function start(
		behaviour: ProbeBehaviour,
		params: Record<string, number> = {},
		settings: Record<string, unknown> = {},
		after: any[] = [],
		target = { n8n: () => n8n, api: () => api },
	) {
		const hook = `facts-${version}-${++seq}`;
		const wf = await target
			.api()
			.createWorkflow(
				chain(hook, [
					webhookNode(hook, 'responseNode'),
					respondWithExecutionIdNode(),
					probeNode(behaviour, params, settings),
					...after,
				]),
			);
		await target.api().activateWorkflow(wf.id);
		const res = await callWebhook(target.n8n(), hook, {});
		expect(res.status).toBe(200);
		return { workflowId: wf.id, executionId: String(res.data.executionId) };
	}

	test('Retry On Fail: every try sees what earlier tries wrote (node context, custom data), same run; a first item with json.error re-runs the node', async () => {
		const thrown = await start(
			'throw',
			{ untilTry: 3 },
			{ retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		);
		const a = probeRecord(await api.waitForExecutionDone(thrown.executionId));
		fact('retryOnFail throw x2 then pass', a);
		expect(a.status).toBe('success');
		expect(a.runs).toHaveLength(1);
		const [out] = a.runs[0].outputs[0];
		expect(out).toMatchObject({
			tryNumber: 3,
			runIndex: 0,
			contextBefore: { tries: 2 },
			customDataBefore: { probe_try_1: expect.any(String), probe_try_2: expect.any(String) },
		});

		const errorItem = await start(
			'errorItem',
			{ untilTry: 3 },
			{ retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		);
		const b = probeRecord(await api.waitForExecutionDone(errorItem.executionId));
		fact('retryOnFail errorItem x2 then pass', b);
		expect(b.runs[0].outputs[0][0]).toMatchObject({ tryNumber: 3, contextBefore: { tries: 2 } });

		const always = await start(
			'errorItem',
			{},
			{ retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		);
		const c = probeRecord(await api.waitForExecutionDone(always.executionId));
		fact('retryOnFail errorItem always', c);
		// The last try's error item is the output, and the execution counts as a success.
		expect(c.status).toBe('success');
		expect(c.runs[0].outputs[0][0]).toMatchObject({
			tryNumber: 3,
			error: 'probe error item on try 3',
		});
	});

	test('On Error "Continue (using error output)": only an item whose json is just {error[, message, details]} or that carries item.error goes to the error output', async () => {
		const outputs = async (behaviour: ProbeBehaviour, onError = 'continueErrorOutput') => {
			const run = await start(behaviour, {}, { onError });
			const record = probeRecord(await api.waitForExecutionDone(run.executionId));
			fact(`${onError} ${behaviour}`, record);
			return { status: record.status, outputs: record.runs[0].outputs as any[][] };
		};
		const extraKeys = await outputs('errorItem');
		expect(extraKeys.outputs.map((o) => o.length)).toEqual([1, 0]);
		const onlyError = await outputs('errorOnlyItem');
		expect(onlyError.outputs.map((o) => o.length)).toEqual([0, 1]);
		// n8n merges the paired input item's json into the error item.
		expect(onlyError.outputs[1][0]).toMatchObject({ error: 'probe error item on try 1', body: {} });
		const itemError = await outputs('errorField');
		expect(itemError.outputs.map((o) => o.length)).toEqual([0, 1]);
		// With item.error set, n8n replaces json by { error: item.error.message }: other fields are lost.
		expect(itemError.outputs[1][0]).toEqual({ error: 'probe item error 0' });
		// A node that throws: its input items leave on the success output, and as the last node the execution ends "error".
		for (const onError of ['continueErrorOutput', 'continueRegularOutput']) {
			const thrown = await outputs('throw', onError);
			expect(thrown.outputs.map((o) => o.length)).toEqual([1]);
			expect(thrown.outputs[0][0]).toHaveProperty('webhookUrl');
			expect(thrown.status).toBe('error');
		}
	});

	test('stop while the node runs: custom data is kept (2.x loses run data and node context, 1.x keeps them); while parked: everything is kept', async () => {
		const running = await start('sleep', { sleepMs: 60_000 });
		await until(
			async () => (await api.getExecution(running.executionId)).status === 'running',
			15_000,
			'running',
		);
		await sleep(1000);
		await api.rest('POST', `/executions/${running.executionId}/stop`, {});
		await api.waitForExecutionDone(running.executionId, 30_000);
		await sleep(2000);
		const stopped = probeRecord(await api.getExecution(running.executionId));
		fact('stop while running', stopped);
		if (version === 'v2') {
			// 2.x writes back the copy it read before cancelling and refuses the engine's later save.
			expect(stopped).toMatchObject({ status: 'canceled', context: null, runs: [] });
		} else {
			// 1.x: the engine's un-awaited save of the live data lands last: context and the output the
			// node returned after the abort signal are kept.
			expect(stopped).toMatchObject({
				status: 'canceled',
				context: { tries: 1, afterSleep: { aborted: true } },
			});
			expect(stopped.runs[0].outputs[0][0]).toMatchObject({ afterSleep: { aborted: true } });
		}
		const restExec = await api.rest('GET', `/executions/${running.executionId}`);
		fact('stop while running: REST customData', restExec?.customData);
		expect(restExec.customData).toMatchObject({ probe_try_1: running.executionId + ':0' });
		fact('static data after stop', (await api.getWorkflow(running.workflowId)).staticData ?? null);

		const parked = await start('pass', {}, {}, [waitForWebhookNode()]);
		await api.waitForExecutionStatus(parked.executionId, ['waiting'], 15_000);
		await api.rest('POST', `/executions/${parked.executionId}/stop`, {});
		const stoppedParked = probeRecord(await api.waitForExecutionDone(parked.executionId, 30_000));
		fact('stop while parked', stoppedParked);
		expect(stoppedParked).toMatchObject({ status: 'canceled', context: { tries: 1 } });
		expect(stoppedParked.runs).toHaveLength(1);
	});

	test('"Retry execution" (REST, both "original" and "currently saved" workflow) re-runs the failed node with the old node context and custom data', async () => {
		for (const loadWorkflow of [false, true]) {
			const failed = await start('throw', { untilTry: 2 });
			const first = probeRecord(await api.waitForExecutionDone(failed.executionId));
			fact(`original (loadWorkflow=${loadWorkflow})`, first);
			expect(first).toMatchObject({ status: 'error', context: { tries: 1 } });
			await api.rest('POST', `/executions/${failed.executionId}/retry`, { loadWorkflow });
			const list = await api.getExecutions({ workflowId: failed.workflowId, includeData: true });
			const retry = list.find((e: any) => String(e.retryOf ?? '') === failed.executionId) as any;
			const record = probeRecord(retry);
			fact(`retried execution (loadWorkflow=${loadWorkflow})`, {
				id: retry?.id,
				mode: retry?.mode,
				retryOf: retry?.retryOf,
				...record,
			});
			expect(retry.mode).toBe('retry');
			expect(record.status).toBe('success');
			expect(record.runs[0].outputs[0][0]).toMatchObject({
				tryNumber: 2,
				runIndex: 0,
				contextBefore: { tries: 1, marks: [`${failed.executionId}:0:1`] },
				customDataBefore: { probe_try_1: `${failed.executionId}:0` },
			});
		}
	});

	test('restart (SIGTERM) while the node runs: 2.x marks it crashed and keeps nothing; 1.x cancels it, saved or not (a race)', async () => {
		const folder = fs.mkdtempSync(path.join(os.tmpdir(), `facts-restart-${version}-`));
		let one: N8nHandle | undefined = await startN8n({
			version,
			packageDir: null,
			extraPackageDirs: [ENGINE_PROBE_DIR],
			userFolder: folder,
			env: { N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '3' },
		});
		try {
			const oneApi = await setupOwner(one);
			const run = await start('sleep', { sleepMs: 120_000 }, {}, [], {
				n8n: () => one as N8nHandle,
				api: () => oneApi,
			});
			await sleep(1500);
			await one.kill('SIGTERM');
			await one.stop();
			one = await startN8n({
				version,
				packageDir: null,
				extraPackageDirs: [ENGINE_PROBE_DIR],
				userFolder: folder,
				port: one.port,
			});
			const again = await loginAgain(one);
			const after = await again.waitForExecutionDone(run.executionId, 30_000);
			const record = probeRecord(after);
			const rest = await again.rest('GET', `/executions/${run.executionId}`);
			fact('SIGTERM: execution after restart', { ...record, restCustomData: rest?.customData });
			if (version === 'v2') {
				// 2.x waits for running executions (graceful timeout), exits, and marks them crashed.
				expect(record).toMatchObject({ status: 'crashed', context: null });
				expect(rest?.customData ?? {}).toEqual({});
			} else if (record.status === 'canceled') {
				// 1.x cancels, on shutdown, executions that still hold a webhook response promise (this
				// workflow's Respond to Webhook): like a stop, the node sees the abort and, when the save
				// lands before the process exits, its data is kept...
				expect(record).toMatchObject({ context: { tries: 1, afterSleep: { aborted: true } } });
				expect(rest?.customData).toMatchObject({ probe_try_1: `${run.executionId}:0` });
			} else {
				// ...and when it does not (both seen on the same machine), the execution is crashed, empty.
				expect(record).toMatchObject({ status: 'crashed', context: null });
			}
		} finally {
			await one?.stop();
			fs.rmSync(folder, { recursive: true, force: true });
		}
	}, 240_000);
});

async function loginAgain(n8n: N8nHandle): Promise<N8nApi> {
	const { CookieSession, N8nApi: Api, E2E_OWNER } = await import('./lib');
	const session = new CookieSession(n8n.baseUrl);
	await session.rest('POST', '/login', {
		emailOrLdapLoginId: E2E_OWNER.email,
		password: E2E_OWNER.password,
	});
	const scopes = await session.rest<string[]>('GET', '/api-keys/scopes');
	const key = await session.rest<{ rawApiKey: string }>('POST', '/api-keys', {
		label: `e2e-again-${Date.now()}`,
		expiresAt: null,
		scopes,
	});
	return new Api(n8n, session, key.rawApiKey, {
		email: E2E_OWNER.email,
		password: E2E_OWNER.password,
	});
}
