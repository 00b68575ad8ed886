/**
 * Generate → kie (simulator) → Veo3 Trigger: the Callback URL and Callback Reference options of the
 * Veo3 node, followed through the simulator's callbacks to what the trigger starts.
 */
import type { IDataObject } from 'n8n-workflow';

import { forgetAllCallbacks } from '../../nodes/Veo3Trigger/dedupe';
import { SimControl } from '../harness/kie';
import { CallbackServer, until } from '../harness/webhooks';
import { useSimulator, veo3Output } from './helpers';

const API_KEY = 'sk-callback-trigger-66b1';
const HMAC = 'hmac-callback-trigger-a0f5';
const fx = useSimulator(API_KEY, { hmacKey: HMAC, rateLimit: { max: 1000 } });
const ctl = new SimControl(() => fx.sim);
const server = new CallbackServer();

beforeAll(async () => await server.start());
afterAll(async () => await server.stop());
beforeEach(() => {
	forgetAllCallbacks();
	server.useTrigger(
		{ events: ['success', 'failure', 'fourK'], separateOutputs: true, options: {} },
		fx.creds({ webhookHmacSecret: HMAC }),
	);
});

it("Callback Reference round trip: each callback starts the trigger with its row's reference", async () => {
	const rows = [
		{ row: 'sheet-row-7', prompt: 'a lantern' },
		{ row: 'row 8 & café/ü', prompt: 'a candle' },
		{ row: 'sheet-row-9', prompt: '[fail] a match' },
	];
	const run = await fx.run(rows, {
		resource: 'video',
		operation: 'generate',
		prompt: '={{ $json.prompt }}',
		waitMode: 'none',
		options: { callbackUrl: server.triggerUrl, callbackReference: '={{ $json.row }}' },
	});
	const submitted = veo3Output(run).map((i) => i.json);
	expect(submitted.map((j) => [j.status, j.reference])).toEqual(
		rows.map((r) => ['generating', r.row]),
	);
	for (const [index, json] of submitted.entries()) {
		const callBackUrl = new URL(String(fx.sim.task(String(json.taskId))!.callBackUrl));
		expect(`${callBackUrl.origin}${callBackUrl.pathname}`).toBe(server.triggerUrl);
		expect(callBackUrl.searchParams.get('ref')).toBe(rows[index].row);
	}

	await until(() => server.triggerStarts.length === 3, 5000, 'three trigger starts');
	const started = new Map(
		server.triggerStarts.map((s) => {
			const json = [...s.outputs[0], ...s.outputs[1]][0].json as IDataObject;
			return [json.taskId, { json, output: s.outputs[0].length ? 'success' : 'failure' }];
		}),
	);
	for (const [index, json] of submitted.entries()) {
		const start = started.get(json.taskId);
		expect(start?.json).toMatchObject({
			reference: rows[index].row,
			signatureVerified: true,
			query: { ref: rows[index].row },
		});
		expect(start?.output).toBe(index === 2 ? 'failure' : 'success');
	}
	// Each task called back once and started once.
	for (const json of submitted) {
		await ctl.delivered(String(json.taskId));
		expect(ctl.deliveries(String(json.taskId)).map((d) => d.status)).toEqual([200]);
	}
});
