import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	readCallbackUrl,
	readCommonCreateOptions,
	readDownloadTarget,
} from '../../inputs/createInputs';
import {
	generateBody,
	generateRoute,
	readGenerationChoices,
	readGenerationImages,
	readGenerationOptions,
} from '../../inputs/generateInputs';
import { estimateCredits } from '../../money/prices';
import { readTaskSettings } from '../../inputs/settings';
import type { PreparedTask, WaitMode } from '../../inputs/preparedTask';
import { callbackOptions, renderOptions, taskProperties } from '../common.descriptions';
import { executeTaskOperation } from '../taskOperation';

/** Mode, images, model and aspect ratio: also scene 1 of Generate Long Video (Scenes). */
export const imageAndModelProperties: INodeProperties[] = [
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
];

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
	...imageAndModelProperties,
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
		hint: '4 and 6 seconds: Veo 3.1 Fast only, about 60 credits at 720p',
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
			description:
				'Higher costs more: 1080p adds 5 credits, 4K adds 120 (Fast: 60, 65 or 180 credits)',
		},
		...renderOptions,
	]),
];

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
	const { prompt, mode, model, aspectRatio, duration } = readGenerationChoices(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const common = readCommonCreateOptions(this, options, itemIndex);
	const resolution = readGenerationOptions(node, options, itemIndex);
	const callBackUrl =
		waitMode === 'callback' ? undefined : readCallbackUrl(this, options, itemIndex);
	const settings = readTaskSettings(this, itemIndex);
	const downloadTo = readDownloadTarget(this, itemIndex, waitMode);

	const { imageUrls, uploadedImages } = await readGenerationImages(
		this,
		item,
		itemIndex,
		mode,
		settings.retry,
	);

	const body = generateBody({ prompt, model, mode, aspectRatio, imageUrls, common, options });
	if (resolution) body.resolution = resolution;
	if (callBackUrl) body.callBackUrl = callBackUrl;

	const route = generateRoute(body, model, duration);
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
