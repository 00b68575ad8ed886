import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import * as account from './actions/account';
import * as file from './actions/file';
import * as video from './actions/video';
import { tuningProperties } from './actions/common.descriptions';
import { toolDescriptionProperties } from './actions/toolDescriptions';
import { resumeFromCallback } from './tasks/callbackResume';
import { resumeSceneChain, waitingSceneChains } from './tasks/chainResume';
import { unregisteredWebhookMethods } from '../kie/callbacks/webhookLifecycle';

export class Veo3 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Veo3',
		name: 'veo3',
		icon: { light: 'file:../../icons/veo3.svg', dark: 'file:../../icons/veo3.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Generate videos with Google Veo 3.1 through kie.ai and get them as files',
		defaults: { name: 'Veo3' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'veo3Api', required: true }],
		// "Wait for Callback": kie.ai POSTs to this execution's resume URL ($execution.resumeUrl).
		// restartWebhook entries are never registered by n8n; they only receive resume calls.
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: '',
				restartWebhook: true,
			},
		],
		waitingNodeTooltip:
			'Waiting for kie.ai to report that the videos are done. Nothing runs meanwhile.',
		properties: [
			// First, where n8n puts the description it adds to other nodes' tool variants.
			...toolDescriptionProperties,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'File', value: 'file' },
					{ name: 'Video', value: 'video' },
				],
				default: 'video',
			},
			...video.description,
			...account.description,
			...file.description,
			...tuningProperties,
		],
	};

	webhookMethods = unregisteredWebhookMethods;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const chains = waitingSceneChains(this);
		if (chains) return await resumeSceneChain(this, chains);
		return await resumeFromCallback.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
