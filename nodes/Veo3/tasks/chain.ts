import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { ENDPOINTS } from '../../kie/transport';
import { jobsExtendBody } from '../../kie/transport/jobs';
import { DownloadError } from '../../kie/errors/errors';
import type { Semaphore } from '../../kie/base/concurrency';
import type { ApiConfig, VideoResult } from '../../kie/base/interfaces';
import { settle } from '../../kie/base/settle';
import { downloadVideo } from '../inputs/binary';
import type { PreparedTask, SubmittedTask } from '../inputs/preparedTask';
import { submitOnce, waitForResult } from './tasks';

/** A multi-scene video, validated and priced: scene 1's create, then one Extend per further scene. */
export interface ScenePlan {
	/** The item whose parameters scene 1 uses; the ledger and the spending guard key on it. */
	itemIndex: number;
	first: PreparedTask;
	prompts: string[];
	extendModel: 'fast' | 'quality' | 'lite';
	/** Seed and watermark, sent with every Extend. */
	extendExtras: IDataObject;
	/** Each scene's estimated price, in order. */
	prices: number[];
}

export interface FinishedScene extends IDataObject {
	scene: number;
	prompt: string;
	taskId: string;
	/** This scene's own clip (kie's resultUrls). */
	clipUrl: string | null;
	/** The video so far: scene 1 up to this one (kie's fullResultUrls; scene 1's own clip). */
	videoUrl: string | null;
}

/** Where a chain stopped: the scene, the cause, and what was finished (and paid) before it. */
export class SceneChainError extends Error {
	constructor(
		/** 1-based; null when every scene finished but the final video could not be downloaded. */
		readonly failedScene: number | null,
		readonly sceneCount: number,
		readonly reason: unknown,
		readonly scenes: FinishedScene[],
		readonly creditsConsumed: number,
	) {
		super(reason instanceof Error ? reason.message : String(reason));
		this.name = 'SceneChainError';
	}

	/** The stitched video of the finished scenes, if any. */
	get videoUrl(): string | null {
		return this.scenes.at(-1)?.videoUrl ?? null;
	}
}

/** Scene k's Extend of the previous scene's task (the Jobs form for Fast, whose tier it bills). */
export function extendTask(plan: ScenePlan, scene: number, parentId: string): PreparedTask {
	const body: IDataObject = {
		taskId: parentId,
		prompt: plan.prompts[scene],
		model: plan.extendModel,
		...plan.extendExtras,
	};
	return {
		itemIndex: plan.itemIndex,
		endpoint: ENDPOINTS.extend,
		body,
		readBack: 'recordInfo',
		settings: plan.first.settings,
		echo: {},
		preferFullVideo: true,
		includeRaw: plan.first.includeRaw,
		...(plan.extendModel === 'fast'
			? { jobsForm: { body: jobsExtendBody(body) } }
			: { noJobsForm: "kie.ai's Jobs API has no choice of tier: choose Fast for the extensions." }),
		estimatedCredits: plan.prices[scene],
		reuse: plan.first.reuse,
	};
}

/** What kie charged for a task where it says so (Jobs API), else the price table's estimate. */
export function charged(result: VideoResult | undefined, estimate: number): number {
	const reported = result?.creditsConsumed;
	return typeof reported === 'number' && Number.isFinite(reported) ? reported : estimate;
}

/**
 * Renders the scenes one after the other: each waits for the previous one (an Extend needs a
 * finished video) and each create goes through the ledger keyed by its request, which names the
 * previous scene's task. A retry of the node therefore finds every finished scene's task and
 * continues after it, paying nothing twice. The first scene that fails ends the chain.
 */
export async function runSceneChain(
	ctx: IExecuteFunctions,
	config: ApiConfig,
	plan: ScenePlan,
	reads: Semaphore,
	signal: AbortSignal | undefined,
): Promise<{ scenes: FinishedScene[]; last: VideoResult; creditsConsumed: number }> {
	const scenes: FinishedScene[] = [];
	let creditsConsumed = 0;
	let last: VideoResult | undefined;
	for (let scene = 0; scene < plan.prompts.length; scene++) {
		const task = scene === 0 ? plan.first : extendTask(plan, scene, scenes[scene - 1].taskId);
		let submitted: SubmittedTask | undefined;
		const rendered = await settle(async () => {
			submitted = await submitOnce(ctx, config, task, signal);
			return await waitForResult(ctx, config, submitted, reads, signal);
		});
		if (!rendered.ok) {
			if (signal?.aborted) throw rendered.error;
			// A created task that failed is counted: kie.ai does not document refunds.
			const spent = creditsConsumed + (submitted ? plan.prices[scene] : 0);
			throw new SceneChainError(scene + 1, plan.prompts.length, rendered.error, scenes, spent);
		}
		last = rendered.value;
		creditsConsumed += charged(last, plan.prices[scene]);
		const clipUrl = last.videoUrls[0] ?? null;
		scenes.push({
			scene: scene + 1,
			prompt: plan.prompts[scene],
			taskId: last.taskId || (submitted as SubmittedTask | undefined)?.taskId || '',
			clipUrl,
			videoUrl: scene === 0 ? clipUrl : (last.fullVideoUrls[0] ?? clipUrl),
		});
	}
	return { scenes, last: last as VideoResult, creditsConsumed };
}

/** The output item of a finished chain, with the stitched video downloaded when asked. */
export async function chainItem(
	ctx: IExecuteFunctions,
	plan: ScenePlan,
	done: { scenes: FinishedScene[]; last: VideoResult; creditsConsumed: number },
	echo: IDataObject,
	downloadTo: string | undefined,
): Promise<INodeExecutionData> {
	const final = done.scenes.at(-1) as FinishedScene;
	const json: IDataObject = {
		status: 'success',
		videoUrl: final.videoUrl,
		taskId: final.taskId,
		sceneCount: plan.prompts.length,
		scenesDone: done.scenes.length,
		scenes: done.scenes.map(({ scene, prompt, taskId, clipUrl }) => ({
			scene,
			prompt,
			taskId,
			clipUrl,
		})),
		...echo,
		creditsConsumed: done.creditsConsumed,
	};
	if (plan.first.includeRaw) json.raw = done.last.raw ?? null;
	const item: INodeExecutionData = { json, pairedItem: { item: plan.itemIndex } };
	if (downloadTo && typeof final.videoUrl === 'string') {
		const url = final.videoUrl;
		const downloaded = await settle(
			async () => await downloadVideo(ctx, url, `${final.taskId}.mp4`),
		);
		if (!downloaded.ok) {
			if (downloaded.error instanceof DownloadError) downloaded.error.taskId = final.taskId;
			throw new SceneChainError(
				null,
				plan.prompts.length,
				downloaded.error,
				done.scenes,
				done.creditsConsumed,
			);
		}
		item.binary = { [downloadTo]: downloaded.value };
	}
	return item;
}
