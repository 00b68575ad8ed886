/**
 * kie's response conventions (§1): every JSON answer is `{code, msg, data}`, business errors travel
 * with HTTP 200 and the real status in `code`, and the content type is exactly
 * `application/json;charset=UTF-8`. Every fixed message text the simulator emits lives here.
 */
import type { ServerResponse } from 'node:http';

export interface Envelope {
	code: number;
	msg: string;
	data: unknown;
	/** Upload endpoints add a top-level `success` flag (§10.3). */
	success?: boolean;
}

/** What a JSON handler returns; the pipeline writes it (so it can log the body code and inject faults). */
export interface ApiResult {
	/** HTTP status; kie uses 200 even for errors. */
	status: number;
	body: Envelope;
}

const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

export function ok(data: unknown, msg = 'success'): ApiResult {
	return { status: 200, body: { code: 200, msg, data } };
}

/** A business error: HTTP 200, real code in the body (§1, [HAR]). */
export function fail(code: number, msg: string, data: unknown = null, status = 200): ApiResult {
	return { status, body: { code, msg, data } };
}

export const MSG = {
	// §1 / [D-gs]
	unauthorized: 'You do not have access permissions',
	// 402 (§1 code list). The docs' code list only says "Insufficient Credits"; this is the project's chosen text.
	insufficientCredits: 'The current credits are insufficient. Please top up.',
	// §11: 20 requests / 10 s; exact text undocumented.
	rateLimited: 'Rate limited - Request limit has been exceeded for this resource',
	// seed code list (455)
	maintenance: 'Service Unavailable - System is currently undergoing maintenance',
	// §1: G3 HTTP-500 body
	serverError: 'Server Error - An unexpected error occurred while processing the request',
	// §4.2
	recordNull: 'record is null.',
	retention: 'Temporarily supports records within 14 days.',
	notSuccess: 'record status is not success.',
	// §5 / §3.4: the "still processing" text kept on the generate page
	hd1080Processing: '1080P is processing. It should be ready in 1-2 minutes. Please check back shortly.',
	// §5: "Not available for fallback-generated videos (already 1080p)" — wording is ours.
	hd1080Fallback:
		'Get 1080P is not available for videos generated with the fallback model (they are already 1080p).',
	// §6: 4K "may not apply to legacy fallback tasks" — wording is ours.
	fourKFallback: 'Get 4K is not available for videos generated with the fallback model.',
	// §6
	fourKProcessing: '4k is processing. It should be ready in 5-10 minutes. Please check back shortly.',
	fourKDone: 'The video has been generated successfully',
	// §8.3 4K failure callback
	fourKUnavailable: 'The 4K version of this video is unavailable. Please try a different video.',
	// §7: 404 "original video/task not found" — wording is ours.
	extendNotFound: 'The original video task does not exist.',
	// §10.2, [HAR]
	urlWrong: 'url is wrong',
	// §10.3, [HAR]
	uploaded: 'File uploaded successfully',
	// §4.2 / §8.2 outcome texts
	contentPolicy: 'Your prompt was flagged by Website as violating content policies.',
	flowRejected:
		'Your request was rejected by Flow(Your prompt was flagged by Website as violating content policies). You may consider using our other fallback channels, which are likely to succeed. Please refer to the documentation.',
	generationFailed: 'Generation failed',
	timeout: 'Internal Error - Timeout',
	// §8.2 callback success texts
	cbSuccess: 'Veo3.1 video generated successfully.',
	cbFallbackSuccess: 'Veo3.1 video generated successfully (using fallback model).',
	cbExtendSuccess: 'Veo3.1 video extension successful.',
	// §8.3
	cb4kSuccess: '4K Video generated successfully.',
} as const;

export function writeJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': JSON_CONTENT_TYPE,
		'content-length': Buffer.byteLength(text),
	});
	res.end(text);
}
