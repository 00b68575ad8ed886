import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { UnexpectedAnswerError } from '../../../kie/errors/errors';
import { requireHttpUrl } from '../../inputs/validation';
import { ENDPOINTS } from '../../../kie/transport';
import { videoUrlProperty } from '../common.descriptions';
import { executeReadOperation } from '../readOperation';

/** kie's direct download links work for 20 minutes. */
const LINK_LIFETIME_MS = 20 * 60 * 1000;

const properties: INodeProperties[] = [
	{
		...videoUrlProperty,
		description:
			'A result URL from kie.ai, such as videoUrl of Generate or Get Details. kie.ai refuses other URLs.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['getDownloadLink'] } },
	properties,
);

/** Free call: kie answers `data` as the link itself, a string. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await executeReadOperation(this, items, async (read) => {
		const videoUrl = requireHttpUrl(
			read.node,
			'Video URL',
			this.getNodeParameter('videoUrl', read.itemIndex),
			read.itemIndex,
		);
		const link = await read.request<unknown>({
			method: 'POST',
			endpoint: ENDPOINTS.downloadUrl,
			body: { url: videoUrl },
		});
		if (typeof link !== 'string' || link === '')
			throw new UnexpectedAnswerError('kie.ai answered without a download link');
		const expiresAt = new Date(Date.now() + LINK_LIFETIME_MS).toISOString();
		return { json: { videoUrl, downloadUrl: link, expiresAt } };
	});
}
