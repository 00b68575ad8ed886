import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runsAsTool, TOOL_DEFAULT_MAX_CREDITS } from '../../engine/agentTool';
import { continuesOnFail } from '../../engine/items';
import type { PreparedTask } from '../../inputs/preparedTask';
import { planReuse } from '../../money/reuse';
import { guardSpend } from '../../money/spendGuard';
import { chainItem, runSceneChain } from '../../tasks/chain';
import { collectVideos, paired } from '../../tasks/chainItems';
import { continueSceneChains, resumedChains, startSceneChains } from '../../tasks/chainPark';
import { waitForResult } from '../../tasks/tasks';
import { apiIsLocal, requireReachableCallback } from '../../inputs/callbackReach';
import { settle } from '../../../kie/base/settle';
import { Semaphore, mapSettled } from '../../../kie/base/concurrency';
import { throwIfCancelled } from '../../../kie/base/pause';
import { toNodeError } from '../../../kie/errors/toNodeError';
import { getApiConfig } from '../../../kie/transport';
import { planVideo, readSceneWaitMode, readSources, type Planned } from './generateScenes.plan';

export { description } from './generateScenes.description';

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	// A run n8n makes after a callback resumed the execution: carry on with the saved videos.
	const resumed = resumedChains(this);
	if (resumed) return await continueSceneChains(this, items, resumed);

	const waitMode = readSceneWaitMode(this);
	const sources = readSources(this, items);
	const grouped = this.getNodeParameter('sceneSource', 0, 'field') === 'items';
	// A callback to a local URL can never arrive from kie.ai, unless kie's side is local too.
	const credential = await settle(async () => await getApiConfig(this));
	const checkReach = waitMode === 'callback' && credential.ok && !apiIsLocal(credential.value);
	const planned = await mapSettled(sources, 1, async (source) => {
		if (checkReach && !source.error) requireReachableCallback(this, source.lead, waitMode);
		return await planVideo(this, items[source.lead], source, waitMode);
	});
	throwIfCancelled(this.getExecutionCancelSignal());
	const invalid = planned.findIndex((p) => p.status === 'rejected');
	if (invalid !== -1 && !continuesOnFail(this))
		throw toNodeError(
			this.getNode(),
			(planned[invalid] as PromiseRejectedResult).reason,
			sources[invalid].lead,
		);

	if (!credential.ok) throw credential.error;
	const config = credential.value;
	// Deduplicate By, per video: the probe stands for the whole video and remembers its last scene.
	const probes = new Map<number, PreparedTask>();
	const sparse: Array<PromiseSettledResult<PreparedTask>> = items.map(() => ({
		status: 'rejected',
		reason: null,
	}));
	planned.forEach((p) => {
		if (p.status !== 'fulfilled') return;
		const probe = { ...p.value.plan.first, echo: { ...p.value.echo } };
		probes.set(p.value.plan.itemIndex, probe);
		sparse[p.value.plan.itemIndex] = { status: 'fulfilled', value: probe };
	});
	const reuse = await planReuse(this, config, 'generateScenes', sparse);
	// A remembered video that cannot be read now (kie down): without Continue On Fail, stop before any create.
	const unreadable = [...probes.keys()].find((lead) => reuse.prepared[lead].status === 'rejected');
	if (unreadable !== undefined && !continuesOnFail(this))
		throw toNodeError(
			this.getNode(),
			(reuse.prepared[unreadable] as PromiseRejectedResult).reason,
			unreadable,
		);
	const creates = planned.flatMap((p) => {
		if (p.status !== 'fulfilled') return [];
		const lead = p.value.plan.itemIndex;
		const state = reuse.prepared[lead];
		if (state.status !== 'fulfilled' || state.value.existing || reuse.plan.followers.has(lead))
			return [];
		const prices = p.value.plan.prices;
		return [
			{
				...p.value.plan.first,
				estimatedCredits: prices.reduce((a, b) => a + b, 0),
				requestPrices: prices,
			},
		];
	});
	// The whole chain is judged before its first scene: cap and balance see every scene's price.
	await guardSpend(
		this,
		config,
		creates,
		runsAsTool(this) ? { defaultMaxCredits: TOOL_DEFAULT_MAX_CREDITS } : {},
	);

	const echoes = planned.map((p) =>
		p.status === 'fulfilled' ? (probes.get(p.value.plan.itemIndex)?.echo ?? p.value.echo) : {},
	);
	// With Deduplicate By, a video may be answered by a task of another execution, whose callbacks
	// go there: such a batch waits by polling, as the other operations do.
	const deduplicating = [...probes.values()].some((probe) => probe.onCreated || probe.existing);
	if (waitMode === 'callback' && !deduplicating && reuse.plan.followers.size === 0)
		return await startSceneChains(this, items, sources, planned, echoes, grouped);

	const signal = this.getExecutionCancelSignal();
	const reads = new Semaphore(10);
	const run = async (
		p: PromiseSettledResult<Planned>,
		position: number,
	): Promise<INodeExecutionData> => {
		if (p.status === 'rejected') throw p.reason;
		const { plan, downloadTo } = p.value;
		const probe = probes.get(plan.itemIndex) as PreparedTask;
		const state = reuse.prepared[plan.itemIndex];
		if (state.status === 'rejected') throw state.reason;
		if (probe.existing) {
			const last = await waitForResult(
				this,
				config,
				{ task: probe, ...probe.existing },
				reads,
				signal,
			);
			const videoUrl = last.fullVideoUrls[0] ?? last.videoUrls[0] ?? null;
			return {
				json: {
					status: 'success',
					videoUrl,
					taskId: last.taskId,
					sceneCount: plan.prompts.length,
					scenes: [],
					...probe.echo,
					creditsConsumed: 0,
				},
				pairedItem: paired(sources[position], grouped),
			};
		}
		const done = await runSceneChain(this, config, plan, reads, signal);
		probe.onCreated?.(done.scenes.at(-1)!.taskId);
		const item = await chainItem(this, plan, done, probe.echo, downloadTo);
		return { ...item, pairedItem: paired(sources[position], grouped) };
	};
	const own = await mapSettled(planned, Math.max(planned.length, 1), async (p, position) =>
		// A follower (same Deduplicate By key as an earlier video of this batch) takes its leader's result.
		reuse.plan.followers.has(sources[position].lead)
			? ({} as INodeExecutionData)
			: await run(p, position),
	);
	const byLead = new Map(sources.map((source, position) => [source.lead, own[position]]));
	const outcomes = own.map((outcome, position): PromiseSettledResult<INodeExecutionData> => {
		const leader = reuse.plan.followers.get(sources[position].lead);
		const led = leader === undefined ? undefined : byLead.get(leader);
		if (!led || led.status === 'rejected') return led ?? outcome;
		const json = { ...led.value.json, reused: true, estimatedCredits: 0, creditsConsumed: 0 };
		return {
			status: 'fulfilled',
			value: { ...led.value, json, pairedItem: paired(sources[position], grouped) },
		};
	});
	return [collectVideos(this, outcomes, sources, echoes, grouped)];
}
