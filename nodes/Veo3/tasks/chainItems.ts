import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { continuesOnFail, errorDetails, failedItem, otherTasksText } from '../engine/items';
import type { SceneSource } from '../inputs/scenes';
import { throwIfCancelled } from '../../kie/base/pause';
import { toNodeError } from '../../kie/errors/toNodeError';
import { SceneChainError } from './chain';

/** Output and error items list every input item of their video (Summarize-style pairing). */
export function paired(source: SceneSource, grouped: boolean): INodeExecutionData['pairedItem'] {
	return grouped ? source.items.map((item) => ({ item })) : { item: source.lead };
}

/** The node error of a failed video: which scene, why, and what was finished (and paid) before. */
export function chainNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number) {
	if (!(error instanceof SceneChainError)) return toNodeError(ctx.getNode(), error, itemIndex);
	const nodeError = toNodeError(ctx.getNode(), error.reason, itemIndex);
	const finished = error.scenes.map((s) => `scene ${s.scene}: ${s.taskId}`).join(', ');
	nodeError.message =
		error.failedScene === null
			? `All ${error.sceneCount} scenes finished, but: ${nodeError.message}`
			: `Scene ${error.failedScene} of ${error.sceneCount} failed: ${nodeError.message}`;
	nodeError.description = [
		nodeError.description,
		finished
			? `Finished scenes: ${finished}. The video so far: ${error.videoUrl}. A retry of this execution continues after them without paying for them again.`
			: undefined,
	]
		.filter(Boolean)
		.join('\n');
	return nodeError;
}

export function failureExtra(error: unknown, echo: IDataObject): IDataObject {
	if (!(error instanceof SceneChainError)) return echo;
	return {
		...echo,
		...errorDetails(error.reason),
		failedScene: error.failedScene,
		sceneCount: error.sceneCount,
		scenesDone: error.scenes.length,
		scenes: error.scenes.map(({ scene, prompt, taskId, clipUrl }) => ({
			scene,
			prompt,
			taskId,
			clipUrl,
		})),
		videoUrl: error.videoUrl,
		creditsConsumed: error.creditsConsumed,
	};
}

/** One output or error item per video; without Continue On Fail the first failure stops the node. */
export function collectVideos(
	ctx: IExecuteFunctions,
	outcomes: Array<PromiseSettledResult<INodeExecutionData>>,
	sources: SceneSource[],
	echoes: IDataObject[],
	grouped: boolean,
): INodeExecutionData[] {
	throwIfCancelled(ctx.getExecutionCancelSignal());
	const continueOnFail = continuesOnFail(ctx);
	return outcomes.map((outcome, position) => {
		const source = sources[position];
		if (outcome.status === 'fulfilled') return outcome.value;
		const error = chainNodeError(ctx, outcome.reason, source.lead);
		if (continueOnFail) {
			const item = failedItem(
				ctx,
				error,
				source.lead,
				failureExtra(outcome.reason, echoes[position]),
			);
			return { ...item, pairedItem: paired(source, grouped) };
		}
		// Every other video's tasks, finished or not, so no paid task is lost.
		const lines = outcomes.flatMap((other, p) => {
			const taskId =
				other.status === 'fulfilled'
					? other.value.json.taskId
					: other.reason instanceof SceneChainError
						? other.reason.scenes.at(-1)?.taskId
						: undefined;
			return typeof taskId === 'string' && taskId !== ''
				? [
						{
							itemIndex: sources[p].lead,
							taskId,
							status: other.status === 'fulfilled' ? undefined : 'unfinished video',
						},
					]
				: [];
		});
		const others = otherTasksText(lines, source.lead);
		if (others) error.description = `${error.description ?? ''}\n${others}`.trim();
		throw error;
	});
}
