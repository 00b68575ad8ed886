/**
 * The Veo3 Trigger's activation warning, through n8n-core's own HookContext (what n8n hands
 * checkExists when a workflow is activated): a Production URL kie.ai cannot reach is logged as a
 * warning naming the fix; activation always goes on.
 */
import { HookContext } from 'n8n-core';
import type { IHookFunctions, INode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { Veo3Trigger } from '../../../../nodes/Veo3Trigger/Veo3Trigger.node';
import {
	makeAdditionalData,
	node,
	nodeTypes,
	TRIGGER_TYPE,
	type HarnessCredentials,
} from '../../../harness/engine';

const KIE: HarnessCredentials = {
	apiKey: 'sk-reach-warning-62c0',
	baseUrl: 'https://api.kie.ai',
	uploadBaseUrl: 'https://kieai.redpandaai.co',
};

function hookContext(webhookBaseUrl: string, credentials: HarnessCredentials = KIE) {
	const trigger: INode = node('Veo3 Trigger', TRIGGER_TYPE, { events: ['success'] });
	const workflowData = {
		id: 'wf-reach',
		name: 'reach',
		active: true,
		nodes: [trigger],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
	const workflow = new Workflow({ ...workflowData, nodeTypes } as never);
	const additionalData = makeAdditionalData({ credentials }, 'e-reach', workflowData);
	additionalData.webhookBaseUrl = webhookBaseUrl;
	const ctx = new HookContext(workflow, trigger, additionalData, 'trigger', 'activate');
	const warn = jest.spyOn(ctx.logger, 'warn').mockImplementation(() => undefined);
	const checkExists = async () =>
		await new Veo3Trigger().webhookMethods.default.checkExists.call(
			ctx as unknown as IHookFunctions,
		);
	return { ctx, additionalData, warn, checkExists };
}

afterEach(() => jest.restoreAllMocks());

describe('Veo3 Trigger activation', () => {
	it('warns once when the Production URL is local and kie.ai is the real one; still activates', async () => {
		const { warn, checkExists } = hookContext('http://localhost:5678/webhook');
		await expect(checkExists()).resolves.toBe(true);
		expect(warn).toHaveBeenCalledTimes(1);
		const [message] = warn.mock.calls[0] as [string];
		expect(message).toMatch(
			/^Veo3 Trigger "Veo3 Trigger": kie\.ai cannot reach http:\/\/localhost:5678 /,
		);
		expect(message).toMatch(
			/set WEBHOOK_URL \(n8n 2\.x: N8N_WEBHOOK_URL\) to a public URL or a tunnel/,
		);
		expect(JSON.stringify(warn.mock.calls)).not.toContain(KIE.apiKey);
	});

	it('says nothing for a public Production URL', async () => {
		const { warn, checkExists } = hookContext('https://n8n.example.com/webhook');
		await expect(checkExists()).resolves.toBe(true);
		expect(warn).not.toHaveBeenCalled();
	});

	it('says nothing when the credential points at a local simulator, which calls back locally', async () => {
		const { warn, checkExists } = hookContext('http://127.0.0.1:5678/webhook', {
			...KIE,
			baseUrl: 'http://127.0.0.1:8787',
		});
		await expect(checkExists()).resolves.toBe(true);
		expect(warn).not.toHaveBeenCalled();
	});

	it('never blocks activation, even when the credential cannot be read', async () => {
		const { additionalData, warn, checkExists } = hookContext('http://10.0.0.5:5678/webhook');
		additionalData.credentialsHelper.getDecrypted = async () => {
			throw new Error('credential store unavailable');
		};
		await expect(checkExists()).resolves.toBe(true);
		expect(warn).not.toHaveBeenCalled();
	});

	it('the editor shows the same warning as a notice', () => {
		const notices = new Veo3Trigger().description.properties.filter((p) => p.type === 'notice');
		expect(notices.map((p) => p.displayName).join(' ')).toMatch(
			/reach the Production URL above from the internet.*set WEBHOOK_URL/,
		);
	});
});
