import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { continuesOnFail, failedItem, otherTasksText, type TaskLine } from '../engine/items';
import type { PreparedTask } from '../inputs/preparedTask';
import type { SceneSource } from '../inputs/scenes';
import { DEFAULT_TOLERANCE_SECONDS } from '../../kie/callbacks/callbackRequest';
import { mapSettled } from '../../kie/base/concurrency';
import type { ApiConfig, VideoResult } from '../../kie/base/interfaces';
import { throwIfCancelled } from '../../kie/base/pause';
import { settle } from '../../kie/base/settle';
import { TaskFailedError, WaitTimeoutError } from '../../kie/errors/errors';
import { checkTask } from '../../kie/records/readTask';
import { isTransient } from '../../kie/records/waiting';
import { getApiConfig } from '../../kie/transport';
import {
	chainItem,
	charged,
	extendTask,
	SceneChainError,
	type FinishedScene,
	type ScenePlan,
} from './chain';
import { chainNodeError, failureExtra, paired } from './chainItems';
import { submitOnce } from './tasks';

/**
 * Generate Long Video (Scenes) with "Wait for Callback": each scene's task is created with
 * callBackUrl = this execution's resume URL and the execution parks while it renders (no worker
 * held). A callback of the current scene that kie's record confirms as final resumes the execution
 * and makes n8n run this node again (chainResume.ts); that run reads kie's record itself, and only
 * a scene read as finished there gets its next scene created, through the ledger (keyed by the
 * request, which names the previous scene's task), before the execution parks again. The state
 * lives in the node's context, which n8n saves with the waiting execution.
 */
export const SCENE_CHAINS_FIELD = 'veo3SceneChains';

/** One video of the batch, as saved between parks. */
interface StoredChain {
	/** The input item the video's parameters came from, and every input item of the video. */
	lead: number;
	items: number[];
	plan?: ScenePlan;
	echo: IDataObject;
	downloadTo?: string;
	scenes: FinishedScene[];
	creditsConsumed: number;
	/** The scene rendering now (0-based), its task and when it was created (Max Wait is per scene). */
	current?: { scene: number; taskId: string; task: PreparedTask; startedAt: number };
	/** kie's record of the last finished scene (Include Raw). */
	last?: VideoResult;
	/** Every scene finished. */
	done?: boolean;
	/** The video's final error item (Continue On Fail), built when it failed. */
	item?: IDataObject;
}

export interface StoredChains {
	version: 1;
	/** Names this park: a callback resumes only the park it was created for. */
	parkId: string;
	/** Set by webhook() on the saved context when it resumes `parkId`: the next run continues. */
	resumed?: string;
	grouped: boolean;
	toleranceSeconds: number;
	chains: StoredChain[];
}

export function isStoredChains(value: unknown): value is StoredChains {
	const state = value as StoredChains | undefined;
	return state?.version === 1 && typeof state.parkId === 'string' && Array.isArray(state.chains);
}

/** The tasks of the videos still rendering, for webhook(): only these may resume the execution. */
export function renderingTasks(state: StoredChains): Array<{ taskId: string; task: PreparedTask }> {
	return state.chains.flatMap((c) =>
		c.current && !c.item && !c.done ? [{ taskId: c.current.taskId, task: c.current.task }] : [],
	);
}

/** Functions (a Deduplicate By hook) cannot be saved with the execution, and are not needed. */
function storable(task: PreparedTask): PreparedTask {
	const copy = { ...task };
	delete copy.onCreated;
	delete copy.existing;
	return copy;
}

/** The saved state when this run was resumed for it by a callback; else undefined (a new run). */
export function resumedChains(ctx: IExecuteFunctions): StoredChains | undefined {
	const context = ctx.getContext('node');
	const state = context[SCENE_CHAINS_FIELD];
	if (!isStoredChains(state) || state.resumed !== state.parkId) return undefined;
	// Consumed: a later run of this node (Retry On Fail, a loop pass) starts afresh, through the ledger.
	state.resumed = undefined;
	return state;
}

/** First run: checks are done and the spending judged; create scene 1 of every video and park. */
export async function startSceneChains(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	sources: SceneSource[],
	planned: Array<PromiseSettledResult<{ plan: ScenePlan; echo: IDataObject; downloadTo?: string }>>,
	echoes: IDataObject[],
	grouped: boolean,
): Promise<INodeExecutionData[][]> {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const chains: StoredChain[] = planned.map((p, position) => {
		const source = sources[position];
		const base = { lead: source.lead, items: source.items, scenes: [], creditsConsumed: 0 };
		if (p.status === 'fulfilled') {
			const { plan, echo, downloadTo } = p.value;
			return {
				...base,
				plan: { ...plan, first: storable(plan.first) },
				echo: echoes[position] ?? echo,
				downloadTo,
			};
		}
		// Only with Continue On Fail (an invalid video fails the node before anything is paid).
		return {
			...base,
			echo: {},
			item: errorJson(ctx, p.reason, source.lead, echoes[position] ?? {}),
		};
	});
	const state: StoredChains = {
		version: 1,
		parkId: randomUUID(),
		grouped,
		toleranceSeconds: Number(options.signatureToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS),
		chains,
	};
	return await advanceAndPark(ctx, items, state);
}

/** A later run, resumed by a callback: move every video on as far as kie's records allow. */
export async function continueSceneChains(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	state: StoredChains,
): Promise<INodeExecutionData[][]> {
	return await advanceAndPark(ctx, items, state);
}

/** A failed video's item with Continue On Fail, as in "Wait Until Done" (chainItems.ts). */
function errorJson(
	ctx: IExecuteFunctions,
	reason: unknown,
	lead: number,
	echo: IDataObject,
): IDataObject {
	return failedItem(ctx, chainNodeError(ctx, reason, lead), lead, failureExtra(reason, echo)).json;
}

function isActive(chain: StoredChain): chain is StoredChain & { plan: ScenePlan } {
	return chain.plan !== undefined && !chain.item && !chain.done;
}

async function advanceAndPark(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	state: StoredChains,
): Promise<INodeExecutionData[][]> {
	const config = await getApiConfig(ctx);
	// Exactly the URL n8n gives, query string included: n8n 2.x checks its ?signature= token.
	const resumeUrl = String(ctx.getWorkflowDataProxy(0).$execution.resumeUrl);
	const failures = new Map<number, SceneChainError>();
	await mapSettled(state.chains, 5, async (chain, position) => {
		if (!isActive(chain)) return;
		const failure = await advance(ctx, config, chain, resumeUrl);
		if (failure) failures.set(position, failure);
	});
	throwIfCancelled(ctx.getExecutionCancelSignal());
	const continueOnFail = continuesOnFail(ctx);
	for (const [position, failure] of failures) {
		const chain = state.chains[position];
		if (!continueOnFail) throw failNode(ctx, state, position, failure);
		chain.item = errorJson(ctx, failure, chain.lead, chain.echo);
	}
	const active = state.chains.filter(isActive);
	if (active.length === 0) {
		delete ctx.getContext('node')[SCENE_CHAINS_FIELD];
		return [await finalItems(ctx, state)];
	}
	// Park until the latest scene's Max Wait: a video whose scene runs out of time earlier is ended
	// by the run a callback of another video causes; the others are not cut short.
	const deadline = Math.max(
		...active.map(
			(c) => (c.current as NonNullable<StoredChain['current']>).startedAt + maxWaitOf(c),
		),
	);
	state.parkId = randomUUID();
	state.resumed = undefined;
	ctx.getContext('node')[SCENE_CHAINS_FIELD] = state as unknown as IDataObject;
	markForTimeout(items, state);
	await ctx.putExecutionToWait(new Date(deadline));
	return [items];
}

const maxWaitOf = (chain: StoredChain & { plan: ScenePlan }): number =>
	chain.plan.first.settings.wait.maxWaitMs;

/**
 * Moves one video on: creates the next scene when none is rendering, and reads the rendering
 * scene's record (free). A scene counts as finished only when kie's record says so; only then is
 * the next one created, with the ledger finding a task already created for the same request.
 * Returns the video's failure, if it ended in one.
 */
async function advance(
	ctx: IExecuteFunctions,
	config: ApiConfig,
	chain: StoredChain & { plan: ScenePlan },
	resumeUrl: string,
): Promise<SceneChainError | undefined> {
	const { plan } = chain;
	const count = plan.prompts.length;
	const signal = ctx.getExecutionCancelSignal();
	const fail = (scene: number, reason: unknown, paid: boolean) =>
		new SceneChainError(
			scene + 1,
			count,
			reason,
			chain.scenes,
			chain.creditsConsumed + (paid ? plan.prices[scene] : 0),
		);
	for (;;) {
		if (!chain.current) {
			const scene = chain.scenes.length;
			const task =
				scene === 0 ? plan.first : extendTask(plan, scene, chain.scenes[scene - 1].taskId);
			const created = await settle(
				async () => await submitOnce(ctx, config, task, signal, resumeUrl),
			);
			if (!created.ok) {
				if (signal?.aborted) throw created.error;
				return fail(scene, created.error, false);
			}
			chain.current = {
				scene,
				taskId: created.value.taskId,
				task: storable(created.value.task),
				startedAt: Date.now(),
			};
			// A task just created is rendering: its callback will come. One an earlier run created (the
			// ledger's) may be finished already, and its callback gone: read it.
			if (!created.value.reused) return undefined;
		}
		const { scene, taskId, task, startedAt } = chain.current;
		const read = await settle(async () => await checkTask(ctx, config, task, taskId, signal));
		if (!read.ok) {
			if (signal?.aborted) throw read.error;
			// kie unreachable now: the video waits for the next callback or run.
			if (isTransient(read.error)) return undefined;
			return fail(scene, read.error, true);
		}
		const result = read.value;
		if (result.status === 'generating') {
			const waited = Date.now() - startedAt;
			if (waited < maxWaitOf(chain)) return undefined;
			return fail(scene, new WaitTimeoutError(taskId, waited / 1000), true);
		}
		if (result.status === 'failed')
			return fail(scene, new TaskFailedError(taskId, result.errorCode, result.errorMessage), true);
		chain.creditsConsumed += charged(result, plan.prices[scene]);
		const clipUrl = result.videoUrls[0] ?? null;
		chain.scenes.push({
			scene: scene + 1,
			prompt: plan.prompts[scene],
			taskId: result.taskId || taskId,
			clipUrl,
			videoUrl: scene === 0 ? clipUrl : (result.fullVideoUrls[0] ?? clipUrl),
		});
		chain.last = plan.first.includeRaw ? result : { ...result, raw: undefined };
		chain.current = undefined;
		if (chain.scenes.length === count) {
			chain.done = true;
			return undefined;
		}
	}
}

/** Without Continue On Fail, a failed video fails the node, naming every other video's tasks. */
function failNode(
	ctx: IExecuteFunctions,
	state: StoredChains,
	position: number,
	failure: SceneChainError,
): Error {
	const chain = state.chains[position];
	const error = chainNodeError(ctx, failure, chain.lead);
	const lines: TaskLine[] = state.chains.flatMap((other, p) => {
		if (p === position) return [];
		const taskId = other.current?.taskId ?? other.scenes.at(-1)?.taskId;
		if (!taskId) return [];
		return [
			{
				itemIndex: other.lead,
				taskId,
				status: other.done ? undefined : other.item ? 'failed' : 'unfinished video',
			},
		];
	});
	const others = otherTasksText(lines, chain.lead);
	if (others) error.description = `${error.description ?? ''}\n${others}`.trim();
	delete ctx.getContext('node')[SCENE_CHAINS_FIELD];
	return error;
}

/** Every video ended: one item per video, in input order, the stitched video downloaded when asked. */
async function finalItems(
	ctx: IExecuteFunctions,
	state: StoredChains,
): Promise<INodeExecutionData[]> {
	const continueOnFail = continuesOnFail(ctx);
	const outcomes = await mapSettled(state.chains, 5, async (chain) => {
		if (chain.item || !chain.plan || !chain.last) return undefined;
		return await chainItem(
			ctx,
			chain.plan,
			{ scenes: chain.scenes, last: chain.last, creditsConsumed: chain.creditsConsumed },
			chain.echo,
			chain.downloadTo,
		);
	});
	return state.chains.map((chain, position) => {
		const source = { lead: chain.lead, items: chain.items, prompts: [] } as SceneSource;
		const pairedItem = paired(source, state.grouped);
		const outcome = outcomes[position];
		if (outcome.status === 'rejected') {
			// Only a failed download: every scene finished and was paid.
			if (!continueOnFail) throw chainNodeError(ctx, outcome.reason, chain.lead);
			return { json: errorJson(ctx, outcome.reason, chain.lead, chain.echo), pairedItem };
		}
		if (outcome.value) return { ...outcome.value, pairedItem };
		return { json: chain.item ?? {}, pairedItem };
	});
}

/**
 * If no callback comes in time, n8n continues the execution by passing this node's input items
 * through unchanged (WorkflowExecute.handleWaitingState), so each carries what its video has now:
 * finished videos their result, the others a timeout with the finished part (callbackPark.ts
 * explains why a new `json` object).
 */
function markForTimeout(items: INodeExecutionData[], state: StoredChains): void {
	for (const chain of state.chains) {
		let marks: IDataObject;
		if (chain.item) marks = chain.item;
		else if (chain.done || !chain.current || !chain.plan) {
			const final = chain.scenes.at(-1);
			marks = {
				status: 'success',
				videoUrl: final?.videoUrl ?? null,
				taskId: final?.taskId ?? null,
				scenesDone: chain.scenes.length,
			};
		} else {
			const minutes = Math.round((maxWaitOf(chain as never) / 60000) * 100) / 100;
			const { scene, taskId } = chain.current;
			marks = {
				status: 'timeout',
				taskId,
				failedScene: scene + 1,
				sceneCount: chain.plan.prompts.length,
				scenesDone: chain.scenes.length,
				scenes: chain.scenes.map(({ scene: s, prompt, taskId: id, clipUrl }) => ({
					scene: s,
					prompt,
					taskId: id,
					clipUrl,
				})),
				videoUrl: chain.scenes.at(-1)?.videoUrl ?? null,
				errorMessage: `No callback from kie.ai for scene ${scene + 1} within ${minutes} minutes; the task may still finish. Check it with Get Details.`,
			};
		}
		for (const index of chain.items) {
			const item = items[index];
			if (item) item.json = { ...item.json, ...marks };
		}
	}
}
