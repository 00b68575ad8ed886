import type { ICredentialDataDecryptedObject, IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { findTaskId, normalizeCallback, type NormalizedCallback } from './normalize';
import { SIGNATURE_FAILURE_TEXT, verifySignature } from './signature';

/** kie callbacks are a few KB of JSON; anything far larger is not from kie. */
export const MAX_CALLBACK_BYTES = 256 * 1024;
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type InspectedCallback =
	| { ok: true; body: IDataObject; taskId: string; callback: NormalizedCallback; signed: boolean; credentials: ICredentialDataDecryptedObject }
	| { ok: false; status: 400 | 401; reason: string };

/**
 * Checks a callback request before anything is started or resumed: JSON object body of sane size,
 * a task id, and, when the credential has a webhook HMAC key, kie's signature within the tolerance
 * (reference §8.4). Cheap and synchronous apart from reading the credential, so kie always gets
 * its answer well within its 15 s timeout.
 */
export async function inspectCallback(ctx: IWebhookFunctions, toleranceSeconds: number): Promise<InspectedCallback> {
	const req = ctx.getRequestObject();
	const contentType = String(req.headers['content-type'] ?? '');
	if (!/application\/json/i.test(contentType)) {
		return { ok: false, status: 400, reason: 'Content-Type must be application/json' };
	}
	const rawLength = req.rawBody?.length ?? Number(req.headers['content-length'] ?? 0);
	if (rawLength > MAX_CALLBACK_BYTES) return { ok: false, status: 400, reason: 'Callback body is too large' };
	const body = ctx.getBodyData();
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		return { ok: false, status: 400, reason: 'Callback body must be a JSON object' };
	}
	const taskId = findTaskId(body);
	if (!taskId) return { ok: false, status: 400, reason: 'Callback body has no task id' };

	const credentials = await ctx.getCredentials('veo3Api');
	const hmacKey = typeof credentials.webhookHmacSecret === 'string' ? credentials.webhookHmacSecret : '';
	if (hmacKey) {
		const headers = ctx.getHeaderData();
		const check = verifySignature({
			hmacKey,
			taskId,
			timestampHeader: headers['x-webhook-timestamp'],
			signatureHeader: headers['x-webhook-signature'],
			toleranceSeconds,
			nowMs: Date.now(),
		});
		if (!check.valid) return { ok: false, status: 401, reason: SIGNATURE_FAILURE_TEXT[check.reason] };
	}
	const callback = normalizeCallback(body);
	if (!callback) return { ok: false, status: 400, reason: 'Callback body has no task id' };
	return { ok: true, body, taskId, callback, signed: hmacKey !== '', credentials };
}

/** Answers the request directly; used for refusals and for callbacks that start nothing. */
export function respond(ctx: IWebhookFunctions, status: number, body: IDataObject): void {
	const res = ctx.getResponseObject();
	if (!res.headersSent) res.status(status).json(body);
}
