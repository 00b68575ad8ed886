import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { PRICES_READ_ON, videosAffordable } from '../../money/prices';
import { ENDPOINTS } from '../../../kie/transport';
import { executeReadOperation } from '../readOperation';

const properties: INodeProperties[] = [];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['getCredits'] } },
	properties,
);

/** Free call; answers `data` as a bare number, sometimes fractional (docs/kie-api.md#credits). */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await executeReadOperation(this, items, async (read) => {
		const credits = await read.request<number>({ method: 'GET', endpoint: ENDPOINTS.credit });
		const balance = Number(credits);
		// What the balance pays for, per model and resolution, at the prices of the node's table.
		return {
			json: {
				credits: balance,
				videosAffordable: videosAffordable(balance),
				pricesReadOn: PRICES_READ_ON,
			},
		};
	});
}
