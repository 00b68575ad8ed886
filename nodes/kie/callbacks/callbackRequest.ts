import type { ICredentialDataDecryptedObject, IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { findTaskId, normalizeCallback, type NormalizedCallback } from '../records/normalize';
import { SIGNATURE_FAILURE_TEXT, signedAtMs, verifySignature } from './signature';

/** kie callbacks are a few KB of JSON; anything far larger is not from kie. */
const MAX_CALLBACK_BYTES = 256 * 1024;
/** kie's bodies are four levels deep; a deeper one is an attack on whatever walks it. */
const MAX_CALLBACK_DEPTH = 32;
export const DEFAULT_TOLERANCE_SECONDS = 300;
export const MAX_TOLERANCE_SECONDS = 86400;
export const TOLERANCE_FIELD = 'Signature Tolerance (Seconds)';
/** kie's task ids are short tokens; anything else is refused before it is stored or sent anywhere. */
const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export interface SignedDelivery {
	timestamp: string;
	signature: string;
	expiresAtMs: number;
}

type InspectedCallback =
	| {
			ok: true;
			body: IDataObject;
			taskId: string;
			callback: NormalizedCallback;
			signed: boolean;
			/** A verified signature: the signed pair, and when the tolerance stops accepting it. */
			delivery?: SignedDelivery;
			credentials: ICredentialDataDecryptedObject;
	  }
	| { ok: false; status: 400 | 401 | 413 | 500; reason: string };

/**
 * The signature tolerance as a number of seconds, or undefined when the option (typed, set by an
 * expression or imported) is not a whole number from 1 to a day. Text such as "5m" is refused, never
 * read as NaN, which would switch the staleness check off.
 */
function readTolerance(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return DEFAULT_TOLERANCE_SECONDS;
	const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_TOLERANCE_SECONDS)
		return undefined;
	return n;
}

function toleranceProblem(value: unknown): string {
	const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : String(value).slice(0, 40);
	return `Invalid "${TOLERANCE_FIELD}": ${shown} is not allowed. Allowed: a whole number of seconds from 1 to ${MAX_TOLERANCE_SECONDS}`;
}

/** The media type alone, lower-cased: `application/xml; x=application/json` is XML. */
function mediaType(header: unknown): string {
	return String(header ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
}

/** Walks the body without recursion; false when it nests deeper than kie ever does. */
function shallowEnough(body: unknown): boolean {
	const stack: Array<[unknown, number]> = [[body, 1]];
	while (stack.length > 0) {
		const [value, depth] = stack.pop() as [unknown, number];
		if (!value || typeof value !== 'object') continue;
		if (depth > MAX_CALLBACK_DEPTH) return false;
		for (const child of Object.values(value as object)) stack.push([child, depth + 1]);
	}
	return true;
}

function bodySize(req: ReturnType<IWebhookFunctions['getRequestObject']>, body: unknown): number {
	if (req.rawBody?.length !== undefined) return req.rawBody.length;
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > 0) return declared;
	return Buffer.byteLength(JSON.stringify(body) ?? '');
}

/**
 * Checks a callback request before anything is started, resumed or asked of kie: a JSON object
 * body (strict media type, at most MAX_CALLBACK_BYTES: 413, at most MAX_CALLBACK_DEPTH deep: 400),
 * a task id in kie's format, and, when the credential has a webhook HMAC key, kie's signature within
 * the tolerance (docs/kie-api.md#callback-signature). Cheap and synchronous apart from reading the credential, so kie
 * always gets its answer well within its 15 s timeout.
 */
export async function inspectCallback(
	ctx: IWebhookFunctions,
	toleranceSeconds: unknown,
): Promise<InspectedCallback> {
	const tolerance = readTolerance(toleranceSeconds);
	if (tolerance === undefined)
		return { ok: false, status: 500, reason: toleranceProblem(toleranceSeconds) };
	const req = ctx.getRequestObject();
	if (mediaType(req.headers['content-type']) !== 'application/json') {
		return { ok: false, status: 400, reason: 'Content-Type must be application/json' };
	}
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > MAX_CALLBACK_BYTES)
		return { ok: false, status: 413, reason: 'Callback body is too large' };
	const body = ctx.getBodyData();
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		return { ok: false, status: 400, reason: 'Callback body must be a JSON object' };
	}
	if (!shallowEnough(body))
		return { ok: false, status: 400, reason: 'Callback body is nested too deeply' };
	if (bodySize(req, body) > MAX_CALLBACK_BYTES)
		return { ok: false, status: 413, reason: 'Callback body is too large' };
	const taskId = findTaskId(body);
	if (!taskId) return { ok: false, status: 400, reason: 'Callback body has no task id' };
	if (!TASK_ID_PATTERN.test(taskId))
		return { ok: false, status: 400, reason: 'Callback task id is not a kie.ai task id' };

	const credentials = await ctx.getCredentials('veo3Api');
	const hmacKey =
		typeof credentials.webhookHmacSecret === 'string' ? credentials.webhookHmacSecret : '';
	let delivery: SignedDelivery | undefined;
	if (hmacKey) {
		const headers = ctx.getHeaderData();
		const check = verifySignature({
			hmacKey,
			taskId,
			timestampHeader: headers['x-webhook-timestamp'],
			signatureHeader: headers['x-webhook-signature'],
			toleranceSeconds: tolerance,
			nowMs: Date.now(),
		});
		if (!check.valid)
			return { ok: false, status: 401, reason: SIGNATURE_FAILURE_TEXT[check.reason] };
		const timestamp = String(single(headers['x-webhook-timestamp'])).trim();
		delivery = {
			timestamp,
			signature: String(single(headers['x-webhook-signature'])).trim(),
			expiresAtMs: signedAtMs(timestamp) + tolerance * 1000,
		};
	}
	const callback = normalizeCallback(body);
	if (!callback) return { ok: false, status: 400, reason: 'Callback body has no task id' };
	return { ok: true, body, taskId, callback, signed: hmacKey !== '', delivery, credentials };
}

function single(header: string | string[] | undefined): string | undefined {
	return Array.isArray(header) ? header[0] : header;
}

/** Answers the request directly; used for refusals and for callbacks that start nothing. */
export function respond(ctx: IWebhookFunctions, status: number, body: IDataObject): void {
	const res = ctx.getResponseObject();
	if (!res.headersSent) res.status(status).json(body);
}
