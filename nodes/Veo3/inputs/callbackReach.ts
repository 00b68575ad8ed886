import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { isLocalHost, unreachableOrigin, WEBHOOK_URL_FIX } from '../../kie/callbacks/publicReach';
import { UnreachableCallbackError } from '../../kie/errors/errors';
import type { ApiConfig } from '../../kie/base/interfaces';
import type { WaitMode } from './preparedTask';

/**
 * Whether the credential points kie's side at a machine on this network (the simulator on
 * loopback): its callbacks come from there too, so local callback URLs work and are not refused.
 */
export function apiIsLocal(config: ApiConfig): boolean {
	return isLocalHost(new URL(config.baseUrl).hostname);
}

/**
 * Refuses an item whose result could never come back: "Wait for Callback" when this execution's
 * resume URL is local (n8n hands out http://localhost:5678 unless WEBHOOK_URL says otherwise), or
 * a Callback URL option that is local. Runs before the item's uploads, look-ups and create, so a
 * refused item costs nothing. A Callback URL that is not a URL at all is left to its own check.
 */
export function requireReachableCallback(
	ctx: IExecuteFunctions,
	itemIndex: number,
	waitMode: WaitMode,
): void {
	const waiting = waitMode === 'callback';
	const url = readQuietly(() =>
		waiting
			? ctx.getWorkflowDataProxy(itemIndex).$execution.resumeUrl
			: (ctx.getNodeParameter('options', itemIndex, {}) as IDataObject).callbackUrl,
	);
	const origin = unreachableOrigin(url);
	if (origin === undefined) return;
	throw new UnreachableCallbackError(
		ctx.getNode(),
		waiting ? 'Wait Mode' : 'Callback URL',
		origin,
		WEBHOOK_URL_FIX,
		itemIndex,
	);
}

/** A parameter that cannot be read is reported by the item's own checks, with their wording. */
function readQuietly(read: () => unknown): unknown {
	try {
		return read();
	} catch {
		return undefined;
	}
}
