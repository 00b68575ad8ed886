import type { ICredentialDataDecryptedObject, IHookFunctions } from 'n8n-workflow';

import { isLocalHost, unreachableOrigin, WEBHOOK_URL_FIX } from '../kie/callbacks/publicReach';
import { unregisteredWebhookMethods } from '../kie/callbacks/webhookLifecycle';
import { CREDENTIAL_NAME } from '../kie/transport/config';

/**
 * Shown in the editor above the trigger's settings: the one set-up mistake that makes the trigger
 * silently never fire.
 */
export const UNREACHABLE_NOTICE =
	'kie.ai must be able to reach the Production URL above from the internet. If it starts with http://localhost, an IP address such as 192.168.x.x or a name without a dot, no result will ever arrive: set WEBHOOK_URL (n8n 2.x: N8N_WEBHOOK_URL) to a public URL or a tunnel and restart n8n.';

/**
 * Logs a warning when the trigger is activated with a Production URL kie.ai cannot reach. A
 * warning only: n8n has no way to show it in the editor at activation, and refusing activation
 * would break set-ups whose API Base URL points at a local simulator.
 */
export async function warnIfUnreachable(hook: IHookFunctions): Promise<void> {
	const origin = unreachableOrigin(hook.getNodeWebhookUrl('default'));
	if (origin === undefined) return;
	const credentials = await hook.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_NAME);
	const base = typeof credentials.baseUrl === 'string' ? credentials.baseUrl : '';
	if (base !== '' && isLocalHost(new URL(base).hostname)) return; // a local simulator calls back
	const node = hook.getNode();
	hook.logger.warn(
		`Veo3 Trigger "${node.name}": kie.ai cannot reach ${origin} from the internet, so no result will arrive. To fix it, ${WEBHOOK_URL_FIX}.`,
		{ workflowId: hook.getWorkflow().id, nodeName: node.name },
	);
}

/**
 * kie.ai has nothing to register (the URL travels with each task), so the lifecycle stays the
 * shared no-op one; checkExists only adds the warning, never throws, and still answers "exists"
 * so n8n calls no create.
 */
export const triggerWebhookMethods = {
	default: {
		...unregisteredWebhookMethods.default,
		async checkExists(this: IHookFunctions): Promise<boolean> {
			try {
				await warnIfUnreachable(this);
			} catch {
				// A warning must never block activation (an unreadable credential, a malformed URL).
			}
			return true;
		},
	},
};
