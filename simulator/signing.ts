/**
 * Webhook signature (docs/kie-api.md#callback-signature), exactly as the kie guide defines it:
 *   X-Webhook-Signature = Base64( HMAC_SHA256( key = webhookHmacKey (UTF-8), message = `${taskId}.${timestamp}` ) )
 * where `timestamp` is the exact X-Webhook-Timestamp header string (Unix seconds). The body is not signed.
 */
import { createHmac } from 'node:crypto';

export function signCallback(hmacKey: string, taskId: string, timestamp: string | number): string {
	return createHmac('sha256', Buffer.from(hmacKey, 'utf8'))
		.update(`${taskId}.${timestamp}`, 'utf8')
		.digest('base64');
}

/** Abuse-test variants for `POST /__sim/tasks/:id/callback`. */
export type Tamper = 'signature' | 'unsigned';

export interface SignOptions {
	/** Send this timestamp instead of "now" (e.g. a stale one, correctly signed, for replay tests). */
	timestamp?: string;
	tamper?: Tamper;
}

export function signatureHeaders(
	hmacKey: string | null,
	taskId: string,
	opts: SignOptions = {},
): Record<string, string> {
	if (!hmacKey || opts.tamper === 'unsigned') return {};
	const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
	// A tampered signature keeps the right length and alphabet, so only a real HMAC check catches it.
	const key = opts.tamper === 'signature' ? `${hmacKey}:tampered` : hmacKey;
	return {
		'X-Webhook-Timestamp': timestamp,
		'X-Webhook-Signature': signCallback(key, taskId, timestamp),
	};
}
