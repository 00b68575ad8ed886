/* Status reads per video in "Wait for Callback" mode (in process: n8n-core's engine and a stand-in
 * for n8n's waiting webhooks): one batch of N prompts, kie's callbacks arriving one at a time (each
 * answered before the next), optionally every callback delivered twice. Prints figures; asserts
 * nothing. Run alone: `npx tsx bench/callbackReads.ts`. */
import axios from 'axios';

import { startSimulator } from '../simulator';
import { itemsThenVeo3, runWorkflow } from '../test/harness/engine';
import { CallbackServer, until } from '../test/harness/webhooks';

const API_KEY = 'bench-callback-reads';

export interface CallbackReadsResult {
	batch: number;
	duplicated: boolean;
	reads: number;
	readsPerVideo: number;
	maxReadsOfOneVideo: number;
	resumes: number;
}

export async function callbackReads(batch = 40, duplicated = false): Promise<CallbackReadsResult> {
	const sim = await startSimulator({
		apiKey: API_KEY,
		profile: 'fast',
		renderMs: 3_600_000,
		credits: 1e9,
		rateLimit: { max: 1000 },
		callbackRetries: 0,
	});
	const server = new CallbackServer();
	await server.start();
	try {
		sim.configure({ faults: { duplicateCallbackRate: duplicated ? 1 : 0 } });
		const parked = await runWorkflow({
			...itemsThenVeo3(
				Array.from({ length: batch }, (_, i) => ({ prompt: `shot ${i}` })),
				{
					resource: 'video',
					operation: 'generate',
					prompt: '={{ $json.prompt }}',
					waitMode: 'callback',
					options: {},
				},
			),
			credentials: { apiKey: API_KEY, baseUrl: sim.url, uploadBaseUrl: sim.uploadUrl },
			webhookWaitingBaseUrl: server.waitingBaseUrl,
		});
		server.park(parked);
		const perCallback = duplicated ? 2 : 1;
		for (const task of sim.tasks()) {
			await axios.post(`${sim.controlUrl}/tasks/${task.id}/complete`, {});
			await until(
				() => sim.callbacks().filter((c) => c.taskId === task.id).length >= perCallback,
				10_000,
				`callback of ${task.id}`,
			);
		}
		await server.waitFor(parked.executionId, 30_000);
		const perTask = new Map<string, number>();
		for (const r of sim.requests()) {
			if (r.endpoint !== 'GET /api/v1/veo/record-info') continue;
			const taskId = new URL(r.path, 'http://sim').searchParams.get('taskId') ?? '';
			perTask.set(taskId, (perTask.get(taskId) ?? 0) + 1);
		}
		const reads = [...perTask.values()].reduce((a, b) => a + b, 0);
		return {
			batch,
			duplicated,
			reads,
			readsPerVideo: Math.round((reads / batch) * 100) / 100,
			maxReadsOfOneVideo: Math.max(...perTask.values()),
			resumes: server.execution(parked.executionId).continued,
		};
	} finally {
		await server.stop();
		await sim.stop();
	}
}

if (require.main === module) {
	void (async () => {
		for (const [batch, duplicated] of [
			[40, false],
			[40, true],
			[100, false],
		] as const) {
			console.log(JSON.stringify(await callbackReads(batch, duplicated)));
		}
		process.exit(0);
	})();
}
