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
import { requireIndex, requireTaskId } from '../../inputs/validation';
import { ENDPOINTS } from '../../../kie/transport';
import { jobsUpgradeBody } from '../../../kie/transport/jobs';
import {
	callbackOptions,
	taskIdProperty,
	taskProperties,
	videoIndexProperty,
} from '../common.descriptions';
import { executeTaskOperation } from '../taskOperation';

const properties: INodeProperties[] = [
	{
		...taskIdProperty,
		description: 'The Task ID of a finished video to upscale to 4K (120 credits, 5–10 minutes)',
	},
	videoIndexProperty,
	...taskProperties(callbackOptions),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['get4k'] } },
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
	const index = requireIndex(node, this.getNodeParameter('videoIndex', itemIndex, 0), itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const common = readCommonCreateOptions(this, options, itemIndex);
	const callBackUrl =
		waitMode === 'callback' ? undefined : readCallbackUrl(this, options, itemIndex);
	const body: IDataObject = { taskId, index };
	if (callBackUrl) body.callBackUrl = callBackUrl;
	return {
		itemIndex,
		endpoint: ENDPOINTS.get4k,
		body,
		readBack: 'repeatFourKRequest',
		// A Jobs API video is upgraded through the Jobs API, as a task of its own.
		jobsForm: {
			body: jobsUpgradeBody('4k', taskId, index, callBackUrl),
			echo: { sourceTaskId: taskId },
		},
		settings: readTaskSettings(this, itemIndex),
		echo: { videoIndex: index, ...common.echo },
		downloadTo: readDownloadTarget(this, itemIndex, waitMode),
		includeRaw: options.includeRaw === true,
		estimatedCredits: estimateCredits({ operation: 'get4k' }),
	};
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await executeTaskOperation(this, items, prepare);
}
