import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { normalizeAnyRecord } from '../../../kie/records/normalize';
import { readRetryPolicy } from '../../inputs/settings';
import { requireTaskId } from '../../inputs/validation';
import { getApiConfig } from '../../../kie/transport';
import { readAnyRecord } from '../../../kie/transport/jobs';
import { includeRawOption, taskIdProperty } from '../common.descriptions';
import { executePerItem } from '../taskOperation';

const properties: INodeProperties[] = [
	taskIdProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [includeRawOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['getDetails'] } },
	properties,
);

/** One status read, in the same shape as every other output of the node (status, videoUrls, …). */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const config = await getApiConfig(this);
	return await executePerItem(this, items, async (itemIndex) => {
		const taskId = requireTaskId(
			this.getNode(),
			this.getNodeParameter('taskId', itemIndex),
			itemIndex,
		);
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		// A task of either API: the dedicated record-info first, then the Jobs API's recordInfo.
		const found = await readAnyRecord(
			this,
			config,
			taskId,
			readRetryPolicy(this, itemIndex),
			this.getExecutionCancelSignal(),
		);
		const result = normalizeAnyRecord(found, taskId);
		const json: IDataObject = { ...result, videoUrl: result.videoUrls[0] ?? null };
		if (options.includeRaw === true) json.raw = found.data;
		return { json };
	});
}
