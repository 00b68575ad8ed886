import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { PRICES_READ_ON, videosAffordable } from '../../money/prices';
import { readRetryPolicy } from '../../inputs/settings';
import { ENDPOINTS, getApiConfig, kieRequest } from '../../../kie/transport';
import { executePerItem } from '../taskOperation';

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
	const config = await getApiConfig(this);
	return await executePerItem(this, items, async (itemIndex) => {
		const credits = await kieRequest<number>(this, config, {
			method: 'GET',
			endpoint: ENDPOINTS.credit,
			resend: 'safe',
			retry: readRetryPolicy(this, itemIndex),
			signal: this.getExecutionCancelSignal(),
		});
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
