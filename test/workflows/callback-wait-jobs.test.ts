/**
 * "Wait for Callback" with a Jobs API task (Duration 6 s): kie's Jobs-shaped callback resumes the
 * execution, and the record of the Jobs API (not the dedicated record-info) confirms the result.
 */
import type { IConnections } from 'n8n-workflow';

import { ITEMS_TYPE, node, resumeUrlOf, runWorkflow, VEO3_TYPE } from '../harness/engine';
import { SimControl } from '../harness/kie';
import { CallbackServer } from '../harness/webhooks';
import { useSimulator } from './helpers';

const API_KEY = 'sk-callback-jobs-4a1e';
const HMAC = 'hmac-callback-jobs-d03b';
const fx = useSimulator(API_KEY, { hmacKey: HMAC, renderMs: 60_000, callbackRetries: 0 });
const ctl = new SimControl(() => fx.sim);
const server = new CallbackServer();

beforeAll(async () => await server.start());
afterAll(async () => await server.stop());

it('a Jobs API task resumes the waiting execution with its video', async () => {
	const veo3 = {
		resource: 'video',
		operation: 'generate',
		prompt: '={{ $json.prompt }}',
		duration: 6,
		waitMode: 'callback',
		readRetries: 1,
		retryDelayMs: 10,
		options: { maxWaitMinutes: 2 },
	};
	const nodes = [
		node('Items', ITEMS_TYPE, { items: JSON.stringify([{ prompt: 'a tram in the rain' }]) }),
		node('Veo3', VEO3_TYPE, veo3),
	];
	const connections: IConnections = {
		Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] },
	};
	const run = await runWorkflow({
		nodes,
		connections,
		credentials: fx.creds({ webhookHmacSecret: HMAC }),
		webhookWaitingBaseUrl: server.waitingBaseUrl,
	});
	expect(run.run.status).toBe('waiting');
	server.park(run);
	const [task] = fx.sim.tasks();
	expect(task.callBackUrl).toBe(resumeUrlOf(run));
	expect(JSON.parse(String(task.record.param))).toMatchObject({
		model: 'veo-3-1',
		input: { duration: 6 },
	});
	await ctl.complete(task.id);
	const resumed = await server.waitFor(run.executionId);
	expect(server.execution(run.executionId)).toMatchObject({ state: 'success', continued: 1 });
	const [item] = resumed.output('Veo3');
	expect(item.json).toMatchObject({
		taskId: task.id,
		status: 'success',
		duration: 6,
		videoUrl: `${fx.sim.url}/files/v/${task.id}_0.mp4`,
	});
	expect(fx.apiRequests('GET /api/v1/veo/record-info')).toHaveLength(0);
});
