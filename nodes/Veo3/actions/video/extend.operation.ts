import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { estimateCredits } from '../../money/prices';
import {
	readCallbackUrl,
	readCommonCreateOptions,
	readDownloadTarget,
} from '../../inputs/createInputs';
import { readTaskSettings } from '../../inputs/settings';
import type { PreparedTask, WaitMode } from '../../inputs/preparedTask';
import { EXTEND_MODELS, requireOneOf, requirePrompt, requireTaskId } from '../../inputs/validation';
import { ENDPOINTS } from '../../../kie/transport';
import { jobsExtendBody } from '../../../kie/transport/jobs';
import {
	callbackOptions,
	renderOptions,
	taskIdProperty,
	taskProperties,
} from '../common.descriptions';
import { executeTaskOperation } from '../taskOperation';

const properties: INodeProperties[] = [
	{ ...taskIdProperty, description: 'The Task ID of a finished video to continue' },
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 3 },
		placeholder: 'e.g. The camera pulls back to reveal the whole beach',
		description: 'How the video should continue',
	},
	{
		displayName: 'Model',
		name: 'extendModel',
		type: 'options',
		options: [
			{ name: 'Fast', value: 'fast', description: '60 credits' },
			{ name: 'Lite', value: 'lite', description: '30 credits' },
			{ name: 'Quality', value: 'quality', description: '250 credits' },
		],
		default: 'fast',
	},
	...taskProperties([...callbackOptions, ...renderOptions]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['extend'] } },
	properties,
);

async function prepare(
	this: IExecuteFunctions,
	itemIndex: number,
	_item: INodeExecutionData,
	waitMode: WaitMode,
): Promise<PreparedTask> {
	const node = this.getNode();
	const taskId = requireTaskId(node, this.getNodeParameter('taskId', itemIndex), itemIndex);
	const prompt = requirePrompt(node, this.getNodeParameter('prompt', itemIndex), itemIndex);
	const model = requireOneOf(
		node,
		'Model',
		this.getNodeParameter('extendModel', itemIndex),
		EXTEND_MODELS,
		itemIndex,
	);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const common = readCommonCreateOptions(this, options, itemIndex);
	const callBackUrl =
		waitMode === 'callback' ? undefined : readCallbackUrl(this, options, itemIndex);
	const settings = readTaskSettings(this, itemIndex);
	const downloadTo = readDownloadTarget(this, itemIndex, waitMode);
	const body: IDataObject = { taskId, prompt, model };
	if (common.seed !== undefined) body.seeds = common.seed;
	if (common.watermark) body.watermark = common.watermark;
	if (callBackUrl) body.callBackUrl = callBackUrl;
	return {
		itemIndex,
		endpoint: ENDPOINTS.extend,
		body,
		readBack: 'recordInfo',
		settings,
		echo: { sourceTaskId: taskId, prompt, model, ...common.echo },
		downloadTo,
		preferFullVideo: true,
		// A Jobs API video is extended through the Jobs API, which has no tier field: Fast only.
		...(model === 'fast'
			? { jobsForm: { body: jobsExtendBody(body) } }
			: { noJobsForm: 'kie.ai now extends videos with Fast only: choose Fast in Model.' }),
		includeRaw: options.includeRaw === true,
		estimatedCredits: estimateCredits({ operation: 'extend', model }),
	};
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await executeTaskOperation(this, items, prepare);
}
