import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asToolTask, toolWaitMode } from '../../engine/agentTool';
import { readCommonCreateOptions, readDownloadTarget } from '../../inputs/createInputs';
import {
	generateBody,
	generateRoute,
	readGenerationChoices,
	readGenerationImages,
	readGenerationOptions,
} from '../../inputs/generateInputs';
import type { PreparedTask } from '../../inputs/preparedTask';
import { groupSceneItems, parseSceneList, type SceneSource } from '../../inputs/scenes';
import { readTaskSettings } from '../../inputs/settings';
import { EXTEND_MODELS, requireOneOf } from '../../inputs/validation';
import { chainPrices } from '../../money/prices';
import type { ScenePlan } from '../../tasks/chain';
import { ParameterError } from '../../../kie/errors/errors';

/**
 * Generate Long Video (Scenes), before anything is paid: where the scenes come from, and every
 * rule of kie.ai's Generate and Extend checked for each video.
 */
/** "Same as Model": the extension tier that matches the first scene's model. */
const SAME_TIER = { veo3: 'quality', veo3_fast: 'fast', veo3_lite: 'lite' } as const;

export interface Planned {
	plan: ScenePlan;
	echo: IDataObject;
	downloadTo?: string;
}

/** Reads and checks everything one video needs, uploading scene 1's images last (free). */
export async function planVideo(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	source: SceneSource,
	waitMode: 'poll' | 'callback',
): Promise<Planned> {
	if (source.error) throw source.error;
	const node = ctx.getNode();
	const i = source.lead;
	const { prompts } = source;
	const { mode, model, aspectRatio, duration } = readGenerationChoices(ctx, i, prompts[0]);
	if (duration !== 8) {
		throw new ParameterError(
			node,
			'Duration',
			`${duration} seconds is not available for a video made of scenes`,
			"8 (4 and 6 second clips go through kie.ai's Jobs API, whose Extend has no tier choice)",
			i,
		);
	}
	const chosen = ctx.getNodeParameter('extendModel', i, 'same');
	const extendModel =
		chosen === 'same'
			? SAME_TIER[model]
			: requireOneOf(node, 'Extension Model', chosen, EXTEND_MODELS, i);
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const common = readCommonCreateOptions(ctx, options, i);
	const resolution = readGenerationOptions(node, options, i);
	if (resolution !== undefined && resolution !== '720p') {
		throw new ParameterError(
			node,
			'Resolution',
			`kie.ai cannot extend a ${resolution} video`,
			'720p',
			i,
		);
	}
	const settings = readTaskSettings(ctx, i);
	const downloadTo = readDownloadTarget(ctx, i, waitMode);
	const { imageUrls, uploadedImages } = await readGenerationImages(
		ctx,
		item,
		i,
		mode,
		settings.retry,
	);

	const body = generateBody({
		prompt: prompts[0],
		model,
		mode,
		aspectRatio,
		imageUrls,
		common,
		options,
	});

	const prices = chainPrices({ model, extendModel, scenes: prompts.length });
	const first: PreparedTask = asToolTask<PreparedTask>(ctx, {
		itemIndex: i,
		...generateRoute(body, model, 8),
		settings,
		echo: {},
		includeRaw: options.includeRaw === true,
		estimatedCredits: prices[0],
		identity: uploadedImages ? { ...body, imageUrls: uploadedImages } : undefined,
	});
	const extendExtras: IDataObject = {};
	if (common.seed !== undefined) extendExtras.seeds = common.seed;
	if (common.watermark) extendExtras.watermark = common.watermark;
	const echo: IDataObject = {
		...(source.group !== undefined ? { group: source.group } : {}),
		model,
		extendModel,
		mode,
		aspectRatio,
		...(imageUrls.length ? { imageUrls } : {}),
		...common.echo,
		estimatedCredits: prices.reduce((sum, price) => sum + price, 0),
	};
	return {
		plan: { itemIndex: i, first, prompts, extendModel, extendExtras, prices },
		echo,
		downloadTo,
	};
}

/** "Wait Until Done" or "Wait for Callback" (an agent's tool call always waits by polling). */
export function readSceneWaitMode(ctx: IExecuteFunctions): 'poll' | 'callback' {
	const chosen = requireOneOf(
		ctx.getNode(),
		'Wait Mode',
		ctx.getNodeParameter('waitMode', 0, 'poll'),
		['poll', 'callback'],
		0,
	);
	return toolWaitMode(ctx, chosen);
}

export function readSources(ctx: IExecuteFunctions, items: INodeExecutionData[]): SceneSource[] {
	const node = ctx.getNode();
	const kind = requireOneOf(
		node,
		'Scenes Source',
		ctx.getNodeParameter('sceneSource', 0, 'field'),
		['field', 'items'],
		0,
	);
	if (kind === 'items') return groupSceneItems(ctx, items);
	return items.map((_, index) => {
		try {
			return {
				lead: index,
				items: [index],
				prompts: parseSceneList(node, ctx.getNodeParameter('scenes', index), index),
			};
		} catch (error) {
			return { lead: index, items: [index], prompts: [], error: error as Error };
		}
	});
}
