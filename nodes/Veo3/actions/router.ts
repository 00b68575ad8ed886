import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { answerAsTool, runsAsTool } from '../engine/agentTool';
import { unsupportedOperationError } from '../../kie/errors/errors';
import * as account from './account';
import * as file from './file';
import * as video from './video';

type Operation = {
	execute: (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	) => Promise<INodeExecutionData[][]>;
};

const operations: Record<string, Record<string, Operation>> = {
	video: {
		download: video.download,
		extend: video.extend,
		generate: video.generate,
		generateScenes: video.generateScenes,
		get1080p: video.get1080p,
		get4k: video.get4k,
		getDetails: video.getDetails,
		getDownloadLink: video.getDownloadLink,
	},
	account: { getCredits: account.getCredits, getServiceStatus: account.getServiceStatus },
	file: { upload: file.upload },
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
	if (!runsAsTool(this)) return await selected.execute.call(this, items);
	return await answerAsTool(this, items, async () => await selected.execute.call(this, items));
}
