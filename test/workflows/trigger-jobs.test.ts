/**
 * The Veo3 Trigger accepts callbacks of kie's Jobs API (`data.state`, `data.resultJson` as JSON
 * text, `failCode`/`failMsg`), sent by the simulator for a task created through the Jobs API.
 */
import axios from 'axios';
import type { IDataObject } from 'n8n-workflow';

import { forgetAllCallbacks } from '../../nodes/Veo3Trigger/dedupe';
import { SimControl } from '../harness/kie';
import { CallbackServer } from '../harness/webhooks';
import { useSimulator } from './helpers';

const API_KEY = 'sk-trigger-jobs-7d20';
const HMAC = 'hmac-trigger-jobs-91c4';

const fx = useSimulator(API_KEY, { hmacKey: HMAC, renderMs: 60_000, callbackRetries: 0 });
const ctl = new SimControl(() => fx.sim);
const server = new CallbackServer();

beforeAll(async () => await server.start());
afterAll(async () => await server.stop());
beforeEach(() => {
	forgetAllCallbacks();
	server.useTrigger(
		{ events: ['success', 'failure', 'fourK'], separateOutputs: false, options: {} },
		fx.creds({ webhookHmacSecret: HMAC }),
	);
});

async function jobsTaskCallingBack(prompt: string): Promise<string> {
	const answer = await axios.post(
		`${fx.sim.url}/api/v1/jobs/createTask`,
		{ model: 'veo-3-1', callBackUrl: server.triggerUrl, input: { prompt, duration: 6 } },
		{ headers: { Authorization: `Bearer ${API_KEY}` } },
	);
	const taskId = String(answer.data.data.taskId);
	await ctl.complete(taskId);
	await ctl.delivered(taskId);
	return taskId;
}

function started(): IDataObject {
	expect(server.triggerStarts).toHaveLength(1);
	return server.triggerStarts[0]!.outputs[0][0].json;
}

describe('Veo3 Trigger with Jobs API callbacks', () => {
	it('a success starts one verified execution with the video URL', async () => {
		const taskId = await jobsTaskCallingBack('a lighthouse');
		expect(ctl.deliveries(taskId)[0].status).toBe(200);
		expect(started()).toMatchObject({
			taskId,
			status: 'success',
			videoUrl: `${fx.sim.url}/files/v/${taskId}_0.mp4`,
			videoUrls: [`${fx.sim.url}/files/v/${taskId}_0.mp4`],
			errorCode: null,
			signatureVerified: true,
		});
	});

	it("a failure starts a failure event with kie's failCode and failMsg", async () => {
		const taskId = await jobsTaskCallingBack('a volcano [fail]');
		expect(started()).toMatchObject({
			taskId,
			status: 'failed',
			errorCode: 501,
			errorMessage: 'Generation failed',
			event: 'failure',
		});
	});
});
