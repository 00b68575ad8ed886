import { KieTransportError } from '../errors/errors';
import { UNCERTAIN_CREATE_TEXT } from '../errors/kieCodeHints';
import { hostOf } from '../base/urls';
import type { ResendPolicy } from '../base/interfaces';

// Network failures where the request never reached kie.ai.
export const NOT_SENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
// Network failures after which a read can simply be asked again.
export const RETRYABLE_NETWORK_CODES = new Set([
	...NOT_SENT_NETWORK_CODES,
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ESOCKETTIMEDOUT',
	'UND_ERR_SOCKET',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

/** Finds a Node/axios network error code anywhere in the cause chain n8n wraps around it. */
export function networkCodeOf(error: unknown, depth = 0): string | undefined {
	if (!error || typeof error !== 'object' || depth > 5) return undefined;
	const candidate = error as {
		code?: unknown;
		cause?: unknown;
		errors?: unknown[];
		message?: unknown;
	};
	if (typeof candidate.code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(candidate.code))
		return candidate.code;
	const nested =
		networkCodeOf(candidate.cause, depth + 1) ??
		(Array.isArray(candidate.errors)
			? candidate.errors.map((e) => networkCodeOf(e, depth + 1)).find(Boolean)
			: undefined);
	if (nested) return nested;
	if (typeof candidate.message === 'string') {
		const match =
			/\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|socket hang up)\b/.exec(
				candidate.message,
			);
		if (match) return match[1] === 'socket hang up' ? 'ECONNRESET' : match[1];
	}
	return undefined;
}

/** A network code in words, with the code kept for whoever searches for it. */
function plainNetworkCode(code: string): string {
	const words: Record<string, string> = {
		ECONNRESET: 'the connection was cut',
		ETIMEDOUT: 'the connection timed out',
		EPIPE: 'the connection was cut',
	};
	return words[code] ? `${words[code]}, ${code}` : code;
}

/** The error for a request that got no answer: it names the host to check when nothing was sent. */
export function transportError(
	request: { endpoint: string; resend: ResendPolicy; host?: 'api' | 'upload' },
	networkCode: string | undefined,
	base: string,
): KieTransportError {
	if (networkCode && NOT_SENT_NETWORK_CODES.has(networkCode)) {
		const field = request.host === 'upload' ? 'Upload Base URL' : 'API Base URL';
		return new KieTransportError(
			`Cannot reach ${hostOf(base)}: check ${field} in the Veo3 credential (${networkCode})`,
			networkCode,
			request.endpoint,
		);
	}
	const what = networkCode ?? 'a network error';
	const uncertain =
		request.resend === 'paid' && !(networkCode && NOT_SENT_NETWORK_CODES.has(networkCode))
			? ` ${UNCERTAIN_CREATE_TEXT}`
			: '';
	return new KieTransportError(
		`No answer from kie.ai (${plainNetworkCode(what)}).${uncertain}`,
		networkCode,
		request.endpoint,
	);
}
