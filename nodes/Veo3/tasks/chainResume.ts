import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { readWaitingNodeContext, rerunResumedNode } from '../engine/engineInternals';
import { inspectCallback, respond } from '../../kie/callbacks/callbackRequest';
import { settle } from '../../kie/base/settle';
import { checkTask } from '../../kie/records/readTask';
import { isTransient } from '../../kie/records/waiting';
import { getApiConfig } from '../../kie/transport';
import { oneAtATime, withQuickRetries } from './callbackResume';
import { isStoredChains, renderingTasks, SCENE_CHAINS_FIELD, type StoredChains } from './chainPark';

/** Parks this process resumed already; a repeated callback of one finds it here (bounded). */
const resumedParks = new Set<string>();
const MAX_REMEMBERED_PARKS = 1000;

/** The saved state of a Generate Long Video (Scenes) park, when this node's execution waits on one. */
export function waitingSceneChains(ctx: IWebhookFunctions): StoredChains | undefined {
	const state = readWaitingNodeContext(ctx)?.[SCENE_CHAINS_FIELD];
	return isStoredChains(state) ? state : undefined;
}

/**
 * webhook() of a parked Generate Long Video (Scenes): resumes the execution when the scene that
 * called back is final in kie's record (never on the body's word), and has n8n run the node again,
 * which confirms the scene itself before it creates the next one (chainPark.ts). It never creates
 * anything. Forged, malformed and unknown callbacks are refused as for Generate; a repeated
 * callback, or one of a scene already handled, is acknowledged without resuming; a callback of a
 * scene still rendering at kie leaves the execution waiting.
 */
export async function resumeSceneChain(
	ctx: IWebhookFunctions,
	state: StoredChains,
): Promise<IWebhookResponseData> {
	return await oneAtATime(state.parkId, async () => {
		try {
			return await handle(ctx, state);
		} catch {
			respond(ctx, 503, { error: 'Could not check the task right now; retry later' });
			return { noWebhookResponse: true };
		}
	});
}

function answer(ctx: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	respond(ctx, status, body);
	return { noWebhookResponse: true };
}

async function handle(ctx: IWebhookFunctions, state: StoredChains): Promise<IWebhookResponseData> {
	const inspected = await inspectCallback(ctx, state.toleranceSeconds);
	if (!inspected.ok) return answer(ctx, inspected.status, { error: inspected.reason });
	const own = renderingTasks(state).find((t) => t.taskId === inspected.taskId);
	if (!own) {
		// kie repeats a callback it thinks was lost; a scene this execution already moved past is not news.
		const handled = state.chains.some((c) => c.scenes.some((s) => s.taskId === inspected.taskId));
		return handled
			? answer(ctx, 200, { received: true, alreadyResumed: true })
			: answer(ctx, 400, { error: 'Unknown task ID for this execution' });
	}
	if (resumedParks.has(state.parkId))
		return answer(ctx, 200, { received: true, alreadyResumed: true });
	const config = await getApiConfig(ctx, inspected.credentials);
	const read = await settle(
		async () => await checkTask(ctx, config, withQuickRetries(own.task), own.taskId, undefined),
	);
	if (!read.ok && isTransient(read.error))
		return answer(ctx, 503, { error: 'Could not check the task right now; retry later' });
	// A failed read that will not go away (kie no longer knows the task) ends the video in the run.
	if (read.ok && read.value.status === 'generating')
		return answer(ctx, 200, { received: true, waiting: true });

	const input = rerunResumedNode(ctx);
	if (!input)
		return answer(ctx, 500, { error: 'This execution cannot be continued by this callback' });
	// `state` is the saved context of the execution n8n resumes with: the node's next run knows
	// it continues this park.
	state.resumed = state.parkId;
	resumedParks.add(state.parkId);
	if (resumedParks.size > MAX_REMEMBERED_PARKS)
		resumedParks.delete(resumedParks.values().next().value as string);
	return { workflowData: input };
}
