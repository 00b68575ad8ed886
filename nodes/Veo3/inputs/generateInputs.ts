import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { ENDPOINTS, getApiConfig } from '../../kie/transport';
import { jobsGenerateBody } from '../../kie/transport/jobs';
import { uploadImage } from '../../kie/transport/upload';
import { contentFingerprint, readInputImages } from './binary';
import { ParameterError } from '../../kie/errors/errors';
import type { RetryPolicy } from '../../kie/base/interfaces';
import {
	ASPECT_RATIOS,
	GENERATION_MODES,
	MODE_RULES,
	MODELS,
	REFERENCE_MODELS,
	RESOLUTIONS,
	requireImageCount,
	requireHttpUrl,
	requireOneOf,
	requirePrompt,
	splitList,
	splitUrlList,
	type GenerationMode,
} from './validation';

const DURATIONS = ['4', '6', '8'];
const TIER_ONLY_HERE =
	'kie.ai now makes new videos with Veo 3.1 Fast only: choose it in Model to keep generating.';
const MODEL_NAMES: Record<string, string> = {
	veo3: 'Veo 3.1 Quality (veo3)',
	veo3_fast: 'Veo 3.1 Fast (veo3_fast)',
	veo3_lite: 'Veo 3.1 Lite (veo3_lite)',
};

/**
 * Prompt, mode, model, aspect ratio and duration of a Generate item, with the rules that tie them.
 * `givenPrompt`: a prompt already read and checked elsewhere (scene 1 of a multi-scene video).
 */
export function readGenerationChoices(
	ctx: IExecuteFunctions,
	itemIndex: number,
	givenPrompt?: string,
) {
	const node = ctx.getNode();
	const prompt =
		givenPrompt ?? requirePrompt(node, ctx.getNodeParameter('prompt', itemIndex), itemIndex);
	const mode = requireOneOf<GenerationMode>(
		node,
		'Mode',
		ctx.getNodeParameter('mode', itemIndex),
		GENERATION_MODES,
		itemIndex,
	);
	const model = requireOneOf(
		node,
		'Model',
		ctx.getNodeParameter('model', itemIndex),
		MODELS,
		itemIndex,
	);
	const aspectRatio = requireOneOf(
		node,
		'Aspect Ratio',
		ctx.getNodeParameter('aspectRatio', itemIndex),
		ASPECT_RATIOS,
		itemIndex,
	);
	if (mode === 'reference' && !(REFERENCE_MODELS as readonly string[]).includes(model)) {
		throw new ParameterError(
			node,
			'Model',
			`${MODEL_NAMES[model] ?? model} does not support Reference to Video`,
			REFERENCE_MODELS.map((m) => MODEL_NAMES[m]).join(', '),
			itemIndex,
		);
	}
	const duration = Number(
		requireOneOf(
			node,
			'Duration',
			String(ctx.getNodeParameter('duration', itemIndex, 8)),
			DURATIONS,
			itemIndex,
		),
	);
	if (duration !== 8 && model !== 'veo3_fast') {
		throw new ParameterError(
			node,
			'Duration',
			`${duration}-second videos are made only with Veo 3.1 Fast, not ${MODEL_NAMES[model] ?? model}`,
			'8 seconds with any model; 4 or 6 seconds with Veo 3.1 Fast',
			itemIndex,
		);
	}
	return { prompt, mode, model, aspectRatio, duration };
}

/** Generate's own options, checked before anything is sent: the translation flag and the resolution. */
export function readGenerationOptions(
	node: INode,
	options: IDataObject,
	itemIndex: number,
): (typeof RESOLUTIONS)[number] | undefined {
	if (options.enableTranslation !== undefined && typeof options.enableTranslation !== 'boolean') {
		throw new ParameterError(
			node,
			'Enable Prompt Translation',
			`${JSON.stringify(options.enableTranslation)} is not true or false`,
			'true or false',
			itemIndex,
		);
	}
	return options.resolution === undefined
		? undefined
		: requireOneOf(node, 'Resolution', options.resolution, RESOLUTIONS, itemIndex);
}

/**
 * The item's images as URLs kie can fetch: URLs as given, or binary fields uploaded once every check
 * has passed. `uploadedImages` fingerprints the uploaded content, so a rerun is recognised.
 */
export async function readGenerationImages(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	mode: GenerationMode,
	retry: RetryPolicy,
): Promise<{ imageUrls: string[]; uploadedImages?: string[] }> {
	const node = ctx.getNode();
	let imageUrls: string[] = [];
	let uploadedImages: string[] | undefined;
	if (mode !== 'text') {
		const source = requireOneOf(
			node,
			'Image Source',
			ctx.getNodeParameter('imageSource', itemIndex),
			['url', 'binary'],
			itemIndex,
		);
		if (source === 'url') {
			const urls = splitUrlList(ctx.getNodeParameter('imageUrls', itemIndex, ''));
			requireImageCount(node, mode, urls.length, 'Image URLs', itemIndex);
			imageUrls = urls.map((url) => requireHttpUrl(node, 'Image URLs', url, itemIndex));
		} else {
			const names = splitList(ctx.getNodeParameter('binaryPropertyNames', itemIndex, 'data')).map(
				String,
			);
			requireImageCount(node, mode, names.length, 'Input Binary Fields', itemIndex);
			const images = await readInputImages(ctx, item, itemIndex, names);
			uploadedImages = images.map((image) => contentFingerprint(image.buffer));
			// Only now, with every check passed, is anything sent (the uploads are free).
			const config = await getApiConfig(ctx);
			for (const image of images) {
				imageUrls.push(
					await uploadImage(ctx, config, image, retry, ctx.getExecutionCancelSignal()),
				);
			}
		}
	}
	return { imageUrls, uploadedImages };
}

/** The body of a Generate create on kie's dedicated endpoint, from the checked choices. */
export function generateBody(choices: {
	prompt: string;
	model: string;
	mode: GenerationMode;
	aspectRatio: string;
	imageUrls: string[];
	common: { seed?: number; watermark?: string };
	options: IDataObject;
}): IDataObject {
	const { prompt, model, mode, aspectRatio, imageUrls, common, options } = choices;
	const body: IDataObject = {
		prompt,
		model,
		generationType: MODE_RULES[mode].generationType,
		// The docs disagree on the field name (docs/kie-api.md#aspect-ratio): send both spellings.
		aspect_ratio: aspectRatio,
		aspectRatio,
	};
	if (imageUrls.length > 0) body.imageUrls = imageUrls;
	if (common.seed !== undefined) body.seeds = common.seed;
	if (common.watermark) body.watermark = common.watermark;
	if (typeof options.enableTranslation === 'boolean')
		body.enableTranslation = options.enableTranslation;
	return body;
}

/** Where a Generate create goes: the dedicated endpoint, or the Jobs API for 4 and 6 s videos. */
export function generateRoute(body: IDataObject, model: string, duration: number) {
	// Only the Jobs API takes a duration other than 8 s; it has no tier field, so only Fast may move there.
	const jobsBody = jobsGenerateBody(body, duration === 8 ? undefined : duration);
	return duration !== 8
		? { endpoint: ENDPOINTS.jobsCreateTask, body: jobsBody, readBack: 'jobsRecord' as const }
		: model === 'veo3_fast'
			? {
					endpoint: ENDPOINTS.generate,
					body,
					readBack: 'recordInfo' as const,
					jobsForm: { body: jobsBody },
				}
			: {
					endpoint: ENDPOINTS.generate,
					body,
					readBack: 'recordInfo' as const,
					noJobsForm: TIER_ONLY_HERE,
				};
}
