// Proves the real-n8n harness on every selected version (E2E_VERSIONS, default v1,v2) with
// built-in nodes and the plain-JS probe fixture only, so it runs before our nodes are built:
// start + owner + API key, a webhook -> respond -> wait -> resume -> set round trip, community
// package loading, the credential-test call and a CLI "manual" run. When dist/ is built, it also
// checks that n8n loaded our node types.
import * as path from 'path';

import { manualProbeWorkflow, webhookWaitSetWorkflow } from './fixtures/workflows';
import { PROBE_GOOD_TOKEN, startProbeServer } from './fixtures/probe-server';
import {
	ourPackageDirForTests,
	plainHttp,
	selectedVersions,
	setupOwner,
	startN8n,
	type N8nApi,
	type N8nHandle,
} from './lib';

const PROBE_DIR = path.join(__dirname, 'fixtures', 'n8n-nodes-e2e-probe');
const OUR_PACKAGE_DIR = ourPackageDirForTests();

describe.each(selectedVersions())('n8n %s smoke', (version) => {
	let n8n: N8nHandle;
	let api: N8nApi;

	beforeAll(async () => {
		n8n = await startN8n({ version, packageDir: OUR_PACKAGE_DIR, extraPackageDirs: [PROBE_DIR] });
		console.log(`[e2e] ${n8n.name} ready in ${n8n.startupMs} ms (log: ${n8n.logPath})`);
		api = await setupOwner(n8n);
	}, 300_000);

	afterAll(async () => {
		await n8n?.stop();
	}, 60_000);

	test('webhook -> respond with resume URL -> wait -> resume -> set', async () => {
		const workflow = await api.createWorkflow(webhookWaitSetWorkflow(`smoke-${version}`));
		await api.activateWorkflow(workflow.id);

		const http = plainHttp();
		const first = await http.post(n8n.webhookUrl(`smoke-${version}`), { name: 'veo' });
		expect(first.status).toBe(200);
		const { resumeUrl, executionId } = (
			typeof first.data === 'string' ? JSON.parse(first.data) : first.data
		) as {
			resumeUrl: string;
			executionId: string;
		};
		expect(resumeUrl).toContain(`/webhook-waiting/${executionId}`);
		// 2.x signs resume URLs; an unsigned POST gets 401 (docs/n8n-notes.md#pitfall-signed-resume). 1.123 does not sign.
		if (version === 'v2') expect(resumeUrl).toMatch(/\?signature=[0-9a-f]{64}$/);
		else expect(resumeUrl).not.toContain('signature=');

		const waiting = await api.waitForExecutionStatus(executionId, ['waiting'], 30_000);
		expect(waiting.waitTill).toBeTruthy();

		const resumed = await http.post(resumeUrl, { answer: '42' });
		expect(resumed.status).toBe(200);

		const done = await api.waitForExecutionDone(executionId, 30_000);
		expect(done.status).toBe('success');
		// The list-based wait (for executions whose id a test doesn't know) sees it too.
		const listed = await api.waitForExecution(
			(e) => e.id === String(executionId) && e.status === 'success',
			30_000,
			{ workflowId: workflow.id },
		);
		expect(listed.data.resultData.runData.Set).toBeDefined();
		const setOutput = done.data.resultData.runData.Set[0].data.main[0].map(
			(i: { json: unknown }) => i.json,
		);
		expect(setOutput).toEqual([{ greeting: 'hello veo', resumedWith: '42' }]);
	});

	test('community packages load from the nodes folder with their package prefix', async () => {
		expect(await api.hasNodeType('n8n-nodes-e2e-probe.e2eProbe')).toBe(true);
		expect(await api.hasNodeType('n8n-nodes-base.webhook')).toBe(true);
		const credentialTypes = await api.getCredentialTypes();
		expect(credentialTypes.map((c) => c.name)).toContain('e2eProbeApi');
	});

	test('our package n8n-nodes-veo3 is loaded (veo3 + veo3Trigger)', async () => {
		expect(await api.hasNodeType('n8n-nodes-veo3.veo3')).toBe(true);
		expect(await api.hasNodeType('n8n-nodes-veo3.veo3Trigger')).toBe(true);
	});

	test('credential test call reports pass and fail', async () => {
		const server = await startProbeServer();
		try {
			const good = await api.createCredential('e2eProbeApi', 'probe good', {
				baseUrl: server.url,
				token: PROBE_GOOD_TOKEN,
			});
			const bad = await api.createCredential('e2eProbeApi', 'probe bad', {
				baseUrl: server.url,
				token: 'wrong',
			});
			const pass = await api.testCredential(good.id);
			const fail = await api.testCredential(bad.id);
			expect(pass).toMatchObject({ ok: true, status: 'OK' });
			expect(fail.ok).toBe(false);
			expect(fail.status).toBe('Error');
			expect(fail.message).toMatch(/401|authoriz/i);
		} finally {
			await server.stop();
		}
	});

	test('runManual: a Manual Trigger workflow runs through the CLI', async () => {
		const workflow = await api.createWorkflow(
			manualProbeWorkflow('n8n-nodes-e2e-probe.e2eProbe', `manual-${version}`),
		);
		const result = await api.runManual(workflow.id);
		const out = result.data.resultData.runData.Probe[0].data.main[0][0].json;
		expect(out.label).toBe(`manual-${version}`);
		expect(out.nodeVersion).toMatch(version === 'v2' ? /^v24\./ : /^v20\./);
	});
});
