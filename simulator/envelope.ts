/**
 * kie's response conventions (docs/kie-api.md#conventions): every JSON answer is `{code, msg, data}`, business errors travel
 * with HTTP 200 and the real status in `code`, and the content type is exactly
 * `application/json;charset=UTF-8`. Every fixed message text the simulator emits lives here.
 */
import type { ServerResponse } from 'node:http';

export interface Envelope {
	code: number;
	msg: string;
	data: unknown;
	/** Upload endpoints add a top-level `success` flag (docs/kie-api.md#uploads). */
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

/** A business error: HTTP 200, real code in the body (docs/kie-api.md#conventions, recorded live traffic). */
export function fail(code: number, msg: string, data: unknown = null, status = 200): ApiResult {
	return { status, body: { code, msg, data } };
}

export const MSG = {
	// docs/kie-api.md#conventions
	unauthorized: 'You do not have access permissions',
	// 402 (docs/kie-api.md#codes). The docs' code list only says "Insufficient Credits"; this is the project's chosen text.
	insufficientCredits: 'The current credits are insufficient. Please top up.',
	// docs/kie-api.md#limits: 20 requests / 10 s; exact text undocumented.
	rateLimited: 'Rate limited - Request limit has been exceeded for this resource',
	// docs/kie-api.md#codes (455)
	maintenance: 'Service Unavailable - System is currently undergoing maintenance',
	// docs/kie-api.md#conventions: G3 HTTP-500 body
	serverError: 'Server Error - An unexpected error occurred while processing the request',
	// docs/kie-api.md#record-codes
	recordNull: 'record is null.',
	// The Jobs API's answer for an unknown taskId (observed live).
	jobsRecordNull: 'recordInfo is null',
	// Observed live for a create without `model` (and used for unknown models).
	invalidModel: 'Invalid model',
	// Upgrades and extends need a video task, not an upgrade task. Wording is ours.
	notAVideo: 'This task is not a video generation or extension task.',
	// Sub-key usage limit (code 433). kie documents the code, not its text; wording is ours.
	subKeyLimit:
		'The usage limit of this API sub-key has been reached. Raise it at kie.ai or use another key.',
	retention: 'Temporarily supports records within 14 days.',
	notSuccess: 'record status is not success.',
	// docs/kie-api.md#get-1080p, docs/kie-api.md#generate-response: the "still processing" text kept on the generate page
	hd1080Processing:
		'1080P is processing. It should be ready in 1-2 minutes. Please check back shortly.',
	// docs/kie-api.md#get-1080p: "Not available for fallback-generated videos (already 1080p)" — wording is ours.
	hd1080Fallback:
		'Get 1080P is not available for videos generated with the fallback model (they are already 1080p).',
	// docs/kie-api.md#get-4k: 4K "may not apply to legacy fallback tasks" — wording is ours.
	fourKFallback: 'Get 4K is not available for videos generated with the fallback model.',
	// docs/kie-api.md#get-4k
	fourKProcessing:
		'4k is processing. It should be ready in 5-10 minutes. Please check back shortly.',
	fourKDone: 'The video has been generated successfully',
	// 4K failure callback (docs/kie-api.md#callback-4k)
	fourKUnavailable: 'The 4K version of this video is unavailable. Please try a different video.',
	// docs/kie-api.md#extend: 404 "original video/task not found" — wording is ours.
	extendNotFound: 'The original video task does not exist.',
	// A video extended config.maxExtensions times already — kie.ai documents no limit; wording is ours.
	tooManyExtensions: 'This video has reached the maximum number of extensions.',
	// docs/kie-api.md#download-url, recorded live traffic
	urlWrong: 'url is wrong',
	// docs/kie-api.md#uploads, recorded live traffic
	uploaded: 'File uploaded successfully',
	// Outcome texts (docs/kie-api.md#record-codes, docs/kie-api.md#callback-body)
	contentPolicy: 'Your prompt was flagged by Website as violating content policies.',
	flowRejected:
		'Your request was rejected by Flow(Your prompt was flagged by Website as violating content policies). You may consider using our other fallback channels, which are likely to succeed. Please refer to the documentation.',
	generationFailed: 'Generation failed',
	timeout: 'Internal Error - Timeout',
	// Callback success texts (docs/kie-api.md#callback-body)
	cbSuccess: 'Veo3.1 video generated successfully.',
	cbFallbackSuccess: 'Veo3.1 video generated successfully (using fallback model).',
	cbExtendSuccess: 'Veo3.1 video extension successful.',
	// docs/kie-api.md#callback-4k
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
