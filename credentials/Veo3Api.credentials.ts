import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class Veo3Api implements ICredentialType {
	name = 'veo3Api';

	displayName = 'Veo3 (kie.ai) API';

	icon: Icon = { light: 'file:../icons/veo3.svg', dark: 'file:../icons/veo3.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-veo3/n8n-nodes-veo3#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your kie.ai API key, from https://kie.ai/api-key',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.kie.ai',
			description:
				'Leave as is. Only for testing: the address of a kie.ai simulator (for example http://127.0.0.1:8787) to try workflows without spending credits.',
		},
		{
			displayName: 'Upload Base URL',
			name: 'uploadBaseUrl',
			type: 'string',
			default: 'https://kieai.redpandaai.co',
			description:
				'Leave as is. Where images from a binary field are uploaded; only change it for the simulator (<simulator URL>/upload).',
		},
		{
			displayName: 'Webhook HMAC Key',
			name: 'webhookHmacSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. Copy it from https://kie.ai/settings. When set, results that kie.ai did not sign are refused.',
		},
	];

	// Bearer auth on every request made through httpRequestWithAuthentication.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// GET /api/v1/chat/credit is free. kie answers a wrong key with HTTP 200 and code 401 in the
	// body, so the test must look at the body, not only at the HTTP status.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/v1/chat/credit',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 401,
					message:
						'kie.ai rejected the API key (code 401). Copy it again from https://kie.ai/api-key.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'code',
					value: 455,
					message: 'kie.ai is in maintenance (code 455). Try again later.',
				},
			},
		],
	};
}
