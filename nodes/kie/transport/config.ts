/** What the Veo3 credential says: where kie.ai is, and the key a webhook already holds. */
import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { badBaseUrlError } from '../errors/errors';
import type { ApiConfig } from '../base/interfaces';

export const CREDENTIAL_NAME = 'veo3Api';

export type ApiContext = IExecuteFunctions | IWebhookFunctions;

/**
 * `known`: the credential a webhook has read already. Its requests then carry the key themselves
 * instead of letting n8n read the credential again for each one: inside a webhook, n8n 2.x starts a
 * fresh expression isolate for every credential read (about 100 ms on two cores), which would
 * otherwise be most of the time between kie's callback and the next node.
 */
export async function getApiConfig(
	ctx: ApiContext,
	known?: ICredentialDataDecryptedObject,
): Promise<ApiConfig> {
	const credentials =
		known ?? (await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_NAME));
	const config: ApiConfig = {
		baseUrl: checkedBaseUrl(ctx, 'API Base URL', credentials.baseUrl, 'https://api.kie.ai'),
		uploadBaseUrl: checkedBaseUrl(
			ctx,
			'Upload Base URL',
			credentials.uploadBaseUrl,
			'https://kieai.redpandaai.co',
		),
	};
	if (known && typeof known.apiKey === 'string' && known.apiKey !== '')
		Object.defineProperty(config, 'authorization', {
			value: `Bearer ${known.apiKey}`,
			enumerable: false,
		});
	return config;
}

/** A base URL from the credential, checked before any request: http(s), with a host. */
function checkedBaseUrl(ctx: ApiContext, field: string, value: unknown, fallback: string): string {
	const text = String(value || fallback)
		.trim()
		.replace(/\/+$/, '');
	const parsed = settleSync(() => new URL(text));
	if (!parsed || !/^https?:$/.test(parsed.protocol) || !parsed.hostname)
		throw badBaseUrlError(ctx.getNode(), field, text);
	return text;
}

function settleSync<T>(work: () => T): T | undefined {
	try {
		return work();
	} catch {
		return undefined;
	}
}
