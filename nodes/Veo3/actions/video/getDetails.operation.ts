import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { normalizeAnyRecord } from '../../../kie/records/normalize';
import { readAnyRecord } from '../../../kie/transport/jobs';
import { includeRawOption, taskIdProperty } from '../common.descriptions';
import { executeReadOperation } from '../readOperation';

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
	return await executeReadOperation(this, items, async (read) => {
		const taskId = read.taskId();
		const options = this.getNodeParameter('options', read.itemIndex, {}) as IDataObject;
		// A task of either API: the dedicated record-info first, then the Jobs API's recordInfo.
		const found = await readAnyRecord(this, read.config, taskId, read.retry(), read.signal);
		const result = normalizeAnyRecord(found, taskId);
		const json: IDataObject = { ...result, videoUrl: result.videoUrls[0] ?? null };
		if (options.includeRaw === true) json.raw = found.data;
		return { json };
	});
}
