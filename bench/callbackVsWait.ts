/* Callback → next node, the Veo3 node against n8n's own Wait node, measured in pairs in one n8n:
 * each round parks one Veo3 execution (Wait for Callback) and one Wait-node execution, then
 * releases them one after the other (which goes first alternates), so both see the same machine,
 * the same database and the same load. Veo3: from the simulator finishing the task (its callback
 * leaves at that moment) to "Next" starting. Wait node: from the POST to its resume URL to "Set"
 * starting. The Wait node reads nothing; the Veo3 node checks kie's signature and re-reads the
 * task at kie, because a callback body is not signed. */
import axios from 'axios';

import type { N8nApi, N8nHandle } from '../test/e2e/lib';
import { webhookWaitSetWorkflow } from '../test/e2e/fixtures/workflows';
import { activateOn } from '../test/e2e/queue/cluster';
import { generateFlow, type CredRef } from '../test/e2e/queue/workflows';
import { latencyStats, type LatencyStats } from './stats';

export interface CallbackVsWait {
	rounds: number;
	callback: LatencyStats;
	waitNode: LatencyStats;
}

const http = axios.create({ proxy: false, validateStatus: () => true, timeout: 60_000 });
const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));
/** Parked executions settle (saved, webhook registered) before they are released. */
const SETTLE_MS = 500;

async function newExecutionId(
	api: N8nApi,
	workflowId: string,
	known: Set<string>,
): Promise<string> {
	for (let i = 0; i < 600; i++) {
		const list = await api.publicApi<{ data: Array<{ id: string }> }>(
			'GET',
			`/executions?workflowId=${workflowId}&limit=10&includeData=false`,
		);
		const fresh = list.data.find((e) => !known.has(String(e.id)));
		if (fresh) {
			known.add(String(fresh.id));
			return String(fresh.id);
		}
		await sleep(50);
	}
	throw new Error('no new execution appeared');
}

export async function callbackVsWaitNode(
	n8n: N8nHandle,
	api: N8nApi,
	sim: any,
	cred: CredRef,
	rounds = 30,
): Promise<CallbackVsWait> {
	const ours = await api.createWorkflow(generateFlow('pair-callback', cred, 'callback'));
	await activateOn(api, ours.id, [`${n8n.baseUrl}/webhook/pair-callback`]);
	const wait = await api.createWorkflow(webhookWaitSetWorkflow('pair-wait'));
	await api.activateWorkflow(wait.id);
	// Renders end only when a round finishes them.
	sim.configure({ renderMs: 3_600_000 });
	const known = new Set<string>();
	const callback: number[] = [];
	const waitNode: number[] = [];

	const veo3Round = async (parked: { executionId: string; taskId: string }) => {
		await http.post(`${sim.controlUrl}/tasks/${parked.taskId}/complete`, {});
		const done = await api.waitForExecutionDone(parked.executionId, 30_000);
		const next = done.data?.resultData?.runData?.Next?.[0];
		if (done.status !== 'success' || !next) throw new Error(`execution ${done.id}: ${done.status}`);
		callback.push(next.startTime - sim.task(parked.taskId).completedAt);
	};
	const waitRound = async (resumeUrl: string, executionId: string) => {
		const sentAt = Date.now();
		await http.post(resumeUrl, { answer: 'x' });
		const done = await api.waitForExecutionDone(executionId, 30_000);
		waitNode.push(done.data.resultData.runData.Set[0].startTime - sentAt);
	};

	for (let round = 0; round < rounds; round++) {
		const before = new Set(sim.tasks().map((t: { id: string }) => t.id));
		await http.post(`${n8n.baseUrl}/webhook/pair-callback`, { prompt: `pair ${round}` });
		const executionId = await newExecutionId(api, ours.id, known);
		await api.waitForExecutionStatus(executionId, ['waiting'], 30_000);
		const task = sim.tasks().find((t: { id: string }) => !before.has(t.id));
		const first = await http.post(n8n.webhookUrl('pair-wait'), { name: 'pair' });
		const started = typeof first.data === 'string' ? JSON.parse(first.data) : first.data;
		await api.waitForExecutionStatus(started.executionId, ['waiting'], 30_000);
		await sleep(SETTLE_MS);
		const veo3 = async () => await veo3Round({ executionId, taskId: task.id });
		const waitNodeRound = async () => await waitRound(started.resumeUrl, started.executionId);
		for (const release of round % 2 === 0 ? [veo3, waitNodeRound] : [waitNodeRound, veo3]) {
			await release();
			await sleep(SETTLE_MS);
		}
	}
	sim.configure({ renderMs: 300 });
	const result = { rounds, callback: latencyStats(callback), waitNode: latencyStats(waitNode) };
	console.log(`  latency, paired with n8n's Wait node: ${JSON.stringify(result)}`);
	return result;
}
