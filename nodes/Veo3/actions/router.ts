import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { unsupportedOperationError } from '../helpers/errors';
import * as account from './account';
import * as video from './video';

type Operation = { execute: (this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<INodeExecutionData[][]> };

const operations: Record<string, Record<string, Operation>> = {
	video: {
		download: video.download,
		extend: video.extend,
		generate: video.generate,
		get1080p: video.get1080p,
		get4k: video.get4k,
		getDetails: video.getDetails,
	},
	account: { getCredits: account.getCredits },
};

/** Resource and operation are fixed per node (noDataExpression), so item 0 decides for all items. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const selected = operations[resource]?.[operation];
	if (!selected) {
		throw unsupportedOperationError(this.getNode(), resource, operation);
	}
	return await selected.execute.call(this, items);
}
