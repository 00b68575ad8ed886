import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readInputImages } from '../../helpers/binary';
import { estimateCredits } from '../../helpers/prices';
import {
	readCallbackUrl,
	readCommonCreateOptions,
	readDownloadTarget,
} from '../../helpers/createInputs';
import { ParameterError } from '../../helpers/errors';
import { contentFingerprint } from '../../helpers/ledger';
import { readTaskSettings } from '../../helpers/settings';
import type { PreparedTask, WaitMode } from '../../helpers/tasks';
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
} from '../../helpers/validation';
import { ENDPOINTS, getApiConfig } from '../../transport';
import { jobsGenerateBody } from '../../transport/jobs';
import { uploadImage } from '../../transport/upload';
import { callbackOptions, renderOptions, taskProperties } from '../common.descriptions';
import { executeTaskOperation } from '../taskOperation';

const properties: INodeProperties[] = [
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 4 },
		placeholder: 'e.g. A golden retriever surfing a wave at sunset, cinematic, slow motion',
		description: 'What the video should show. Up to 5000 characters.',
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		options: [
			{
				name: 'First and Last Frames',
				value: 'firstAndLast',
				description: 'Two images: the video moves from the first to the last',
			},
			{
				name: 'Image to Video',
				value: 'image',
				description: 'One image that the video brings to life',
			},
			{
				name: 'Reference to Video',
				value: 'reference',
				description: '1 to 3 reference images (Fast and Lite models only)',
			},
			{ name: 'Text to Video', value: 'text', description: 'Only the prompt' },
		],
		default: 'text',
	},
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		options: [
			{
				name: 'Binary Field of the Input Item',
				value: 'binary',
				description:
					'For example a file from Telegram, Google Drive or a form; it is uploaded to kie.ai first',
			},
			{ name: 'Public URLs', value: 'url' },
		],
		default: 'url',
		displayOptions: { hide: { mode: ['text'] } },
	},
	{
		displayName: 'Image URLs',
		name: 'imageUrls',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/first.png, https://example.com/last.png',
		description:
			'Public image URLs, one per line or comma-separated (a comma inside a URL is kept), or an expression giving a list',
		displayOptions: { hide: { mode: ['text'] }, show: { imageSource: ['url'] } },
	},
	{
		displayName: 'Input Binary Fields',
		name: 'binaryPropertyNames',
		type: 'string',
		default: 'data',
		description:
			'Names of the binary fields holding the images, comma-separated, in order (first frame first)',
		displayOptions: { hide: { mode: ['text'] }, show: { imageSource: ['binary'] } },
	},
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [
			{
				name: 'Veo 3.1 Fast',
				value: 'veo3_fast',
				description: 'Quick and affordable (60 credits at 720p)',
			},
			{ name: 'Veo 3.1 Lite', value: 'veo3_lite', description: 'Cheapest (30 credits at 720p)' },
			{
				name: 'Veo 3.1 Quality',
				value: 'veo3',
				description: 'Best quality, slower (250 credits at 720p)',
			},
		],
		default: 'veo3_fast',
	},
	{
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		options: [
			{ name: '16:9 (Landscape)', value: '16:9' },
			{ name: '9:16 (Portrait)', value: '9:16' },
			{ name: 'Auto (Follow the Image)', value: 'Auto' },
		],
		default: '16:9',
	},
	{
		displayName: 'Duration',
		name: 'duration',
		type: 'options',
		options: [
			{ name: '8 Seconds', value: 8 },
			{ name: '6 Seconds (Fast Only)', value: 6 },
			{ name: '4 Seconds (Fast Only)', value: 4 },
		],
		default: 8,
		description: 'Length of the video',
		hint: "4 and 6 seconds go through kie.ai's Jobs API (veo-3-1), which has no tier choice: kie.ai's docs do not say which tier it bills, presumably Fast (60 credits at 720p)",
	},
	...taskProperties([
		...callbackOptions,
		{
			displayName: 'Enable Prompt Translation',
			name: 'enableTranslation',
			type: 'boolean',
			default: true,
			description: 'Whether kie.ai translates the prompt to English first',
		},
		{
			displayName: 'Resolution',
			name: 'resolution',
			type: 'options',
			options: [
				{ name: '720p', value: '720p' },
				{ name: '1080p', value: '1080p' },
				{ name: '4K', value: '4k' },
			],
			default: '720p',
			description: 'Output resolution, where kie.ai offers it (costs more credits above 720p)',
		},
		...renderOptions,
	]),
];

const DURATIONS = ['4', '6', '8'];
const TIER_ONLY_HERE =
	"kie.ai's Jobs API, the other way to generate, has no choice of tier: choose Veo 3.1 Fast to keep generating.";

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['generate'] } },
	properties,
);

async function prepare(
	this: IExecuteFunctions,
	itemIndex: number,
	item: INodeExecutionData,
	waitMode: WaitMode,
): Promise<PreparedTask> {
	const node = this.getNode();
	const prompt = requirePrompt(node, this.getNodeParameter('prompt', itemIndex), itemIndex);
	const mode = requireOneOf<GenerationMode>(
		node,
		'Mode',
		this.getNodeParameter('mode', itemIndex),
		GENERATION_MODES,
		itemIndex,
	);
	const model = requireOneOf(
		node,
		'Model',
		this.getNodeParameter('model', itemIndex),
		MODELS,
		itemIndex,
	);
	const aspectRatio = requireOneOf(
		node,
		'Aspect Ratio',
		this.getNodeParameter('aspectRatio', itemIndex),
		ASPECT_RATIOS,
		itemIndex,
	);
	if (mode === 'reference' && !(REFERENCE_MODELS as readonly string[]).includes(model)) {
		throw new ParameterError(
			node,
			'Model',
			`${model} does not support Reference to Video`,
			REFERENCE_MODELS.join(', '),
			itemIndex,
		);
	}
	const duration = Number(
		requireOneOf(
			node,
			'Duration',
			String(this.getNodeParameter('duration', itemIndex, 8)),
			DURATIONS,
			itemIndex,
		),
	);
	if (duration !== 8 && model !== 'veo3_fast') {
		throw new ParameterError(
			node,
			'Duration',
			`${duration} seconds needs kie.ai's Jobs API, which has no ${model} tier`,
			'8 with any model; 4 or 6 with Veo 3.1 Fast',
			itemIndex,
		);
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const common = readCommonCreateOptions(this, options, itemIndex);
	if (options.enableTranslation !== undefined && typeof options.enableTranslation !== 'boolean') {
		throw new ParameterError(
			node,
			'Enable Prompt Translation',
			`${JSON.stringify(options.enableTranslation)} is not true or false`,
			'true or false',
			itemIndex,
		);
	}
	const resolution =
		options.resolution === undefined
			? undefined
			: requireOneOf(node, 'Resolution', options.resolution, RESOLUTIONS, itemIndex);
	const callBackUrl =
		waitMode === 'callback' ? undefined : readCallbackUrl(this, options, itemIndex);
	const settings = readTaskSettings(this, itemIndex);
	const downloadTo = readDownloadTarget(this, itemIndex, waitMode);

	let imageUrls: string[] = [];
	let uploadedImages: string[] | undefined;
	if (mode !== 'text') {
		const source = requireOneOf(
			node,
			'Image Source',
			this.getNodeParameter('imageSource', itemIndex),
			['url', 'binary'],
			itemIndex,
		);
		if (source === 'url') {
			const urls = splitUrlList(this.getNodeParameter('imageUrls', itemIndex, ''));
			requireImageCount(node, mode, urls.length, 'Image URLs', itemIndex);
			imageUrls = urls.map((url) => requireHttpUrl(node, 'Image URLs', url, itemIndex));
		} else {
			const names = splitList(this.getNodeParameter('binaryPropertyNames', itemIndex, 'data')).map(
				String,
			);
			requireImageCount(node, mode, names.length, 'Input Binary Fields', itemIndex);
			const images = await readInputImages(this, item, itemIndex, names);
			uploadedImages = images.map((image) => contentFingerprint(image.buffer));
			// Only now, with every check passed, is anything sent (the uploads are free).
			const config = await getApiConfig(this);
			for (const image of images) {
				imageUrls.push(
					await uploadImage(this, config, image, settings.retry, this.getExecutionCancelSignal()),
				);
			}
		}
	}

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
	if (resolution) body.resolution = resolution;
	if (callBackUrl) body.callBackUrl = callBackUrl;

	// Only the Jobs API takes a duration other than 8 s; it has no tier field, so only Fast may move there.
	const jobsBody = jobsGenerateBody(body, duration === 8 ? undefined : duration);
	const route =
		duration !== 8
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
	return {
		itemIndex,
		...route,
		settings,
		echo: {
			prompt,
			model,
			mode,
			aspectRatio,
			duration,
			...(imageUrls.length ? { imageUrls } : {}),
			...common.echo,
		},
		downloadTo,
		includeRaw: options.includeRaw === true,
		estimatedCredits: estimateCredits({ operation: 'generate', model, resolution }),
		identity: uploadedImages ? { ...body, imageUrls: uploadedImages } : undefined,
	};
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await executeTaskOperation(this, items, prepare);
}
