import type { INodeProperties } from 'n8n-workflow';

import * as getCredits from './getCredits.operation';
import * as getServiceStatus from './getServiceStatus.operation';

export { getCredits, getServiceStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Credits',
				value: 'getCredits',
				action: 'Get remaining credits',
				description: 'Remaining kie.ai credits (free call)',
			},
			{
				name: 'Get Service Status',
				value: 'getServiceStatus',
				action: 'Get the service status',
				description: "Veo's success rate at kie.ai over the last hour (free call)",
			},
		],
		default: 'getCredits',
	},
	...getCredits.description,
	...getServiceStatus.description,
];
