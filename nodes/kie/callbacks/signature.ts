import { createHmac, timingSafeEqual } from 'crypto';

/**
 * kie.ai webhook signature (docs/kie-api.md#callback-signature): Base64(HMAC-SHA256(key, `${taskId}.${timestamp}`)),
 * where timestamp is the X-Webhook-Timestamp header string (Unix seconds). Only the task id and the
 * time are signed, not the body.
 */
export function computeSignature(hmacKey: string, taskId: string, timestamp: string): string {
	return createHmac('sha256', Buffer.from(hmacKey, 'utf8'))
		.update(`${taskId}.${timestamp}`)
		.digest('base64');
}

type SignatureCheck =
	| { valid: true }
	| {
			valid: false;
			reason: 'missing-headers' | 'bad-timestamp' | 'stale' | 'mismatch' | 'missing-task-id';
	  };

interface SignatureInput {
	hmacKey: string;
	taskId: string | undefined;
	timestampHeader: string | string[] | undefined;
	signatureHeader: string | string[] | undefined;
	toleranceSeconds: number;
	nowMs: number;
}

function single(header: string | string[] | undefined): string | undefined {
	return Array.isArray(header) ? header[0] : header;
}

/** The time an X-Webhook-Timestamp names, in epoch ms. */
export function signedAtMs(timestamp: string): number {
	// kie sends seconds; accept milliseconds too rather than refusing a plausible variant.
	const n = Number(timestamp);
	return n < 1e12 ? n * 1000 : n;
}

/** Never throws; compares in constant time after the length check, like n8n's own helpers. */
export function verifySignature(input: SignatureInput): SignatureCheck {
	const timestamp = single(input.timestampHeader)?.trim();
	const signature = single(input.signatureHeader)?.trim();
	if (!timestamp || !signature) return { valid: false, reason: 'missing-headers' };
	if (!input.taskId) return { valid: false, reason: 'missing-task-id' };
	if (!/^\d{1,13}$/.test(timestamp)) return { valid: false, reason: 'bad-timestamp' };
	const sentMs = signedAtMs(timestamp);
	// Written so that a tolerance that is not a number (NaN) refuses rather than accepts.
	if (!(Math.abs(input.nowMs - sentMs) <= input.toleranceSeconds * 1000))
		return { valid: false, reason: 'stale' };
	const expected = Buffer.from(computeSignature(input.hmacKey, input.taskId, timestamp), 'utf8');
	const actual = Buffer.from(signature, 'utf8');
	if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
		return { valid: false, reason: 'mismatch' };
	}
	return { valid: true };
}

export const SIGNATURE_FAILURE_TEXT: Record<
	Exclude<SignatureCheck, { valid: true }>['reason'],
	string
> = {
	'missing-headers': 'Missing X-Webhook-Timestamp or X-Webhook-Signature header',
	'bad-timestamp': 'X-Webhook-Timestamp is not a Unix time',
	stale: 'X-Webhook-Timestamp is outside the allowed tolerance',
	mismatch: 'X-Webhook-Signature does not match',
	'missing-task-id': 'Callback body has no task id to verify',
};
