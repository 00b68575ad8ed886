import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

import { KieApiError } from '../errors/errors';
import type {
	ApiConfig,
	KieEnvelope,
	RateLimit,
	ResendPolicy,
	RetryPolicy,
} from '../base/interfaces';
import { pause, throwIfCancelled } from '../base/pause';
import { settle } from '../base/settle';
import { acquireCreateSlot, type CreateSlot } from './rateLimiter';
import { kieText } from '../errors/upstreamText';
import { joinUrl } from '../base/urls';
import {
	networkCodeOf,
	NOT_SENT_NETWORK_CODES,
	RETRYABLE_NETWORK_CODES,
	transportError,
} from './networkErrors';
import { nextDelay, requestTimeout, retryAfterMs } from './resend';

// Tests reach the network-code reader through the transport, as callers do.
export { networkCodeOf } from './networkErrors';
export { getApiConfig, type ApiContext } from './config';
import { CREDENTIAL_NAME, type ApiContext } from './config';

/** This module (with ./config) alone knows kie.ai's URLs, its auth and its envelope. */

export const ENDPOINTS = {
	generate: '/api/v1/veo/generate',
	recordInfo: '/api/v1/veo/record-info',
	get1080p: '/api/v1/veo/get-1080p-video',
	get4k: '/api/v1/veo/get-4k-video',
	extend: '/api/v1/veo/extend',
	credit: '/api/v1/chat/credit',
	downloadUrl: '/api/v1/common/download-url',
	streamUpload: '/api/file-stream-upload',
	urlUpload: '/api/file-url-upload',
	// kie's unified Jobs API (https://docs.kie.ai/market/quickstart), where Veo 3.1 is `veo-3-1`.
	jobsCreateTask: '/api/v1/jobs/createTask',
	jobsRecordInfo: '/api/v1/jobs/recordInfo',
	models: '/api/v1/models',
} as const;

const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 30000 };
export const DEFAULT_RATE_LIMIT: RateLimit = { maxCreates: 20, windowMs: 10000 };

export interface KieRequest {
	method: IHttpRequestMethods;
	endpoint: string;
	body?: IDataObject | Buffer;
	qs?: IDataObject;
	headers?: IDataObject;
	/** 'safe': resent freely after a failure; 'paid': resent only when kie certainly created nothing. */
	resend: ResendPolicy;
	/** Counts against the client-side create limit (default: paid requests do). */
	rateLimited?: boolean;
	/** Upload endpoints live on their own host. */
	host?: 'api' | 'upload';
	retry?: RetryPolicy;
	rateLimit?: RateLimit;
	signal?: AbortSignal;
}

interface RawResponse {
	statusCode: number;
	body: unknown;
	headers: IDataObject;
}

// kie codes that mean "nothing was done, ask again later": safe to retry even for a create.
const REFUSED_CODES = new Set([429, 455]);
async function send(ctx: ApiContext, config: ApiConfig, request: KieRequest): Promise<RawResponse> {
	const base = request.host === 'upload' ? config.uploadBaseUrl : config.baseUrl;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: joinUrl(base, request.endpoint),
		qs: request.qs,
		body: request.body,
		headers: request.headers,
		json: !(request.body instanceof Buffer),
		returnFullResponse: true,
		// kie puts business errors in the body; HTTP errors are classified below, not thrown.
		ignoreHttpStatusErrors: true,
		timeout: requestTimeout(request.retry),
	};
	if (request.signal) options.abortSignal = request.signal;
	const response = (
		config.authorization
			? await ctx.helpers.httpRequest({
					...options,
					headers: { ...options.headers, Authorization: config.authorization },
				})
			: await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_NAME, options)
	) as {
		statusCode: number;
		body: unknown;
		headers?: IDataObject;
	};
	let body = response.body;
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			// leave as text; classified as an unexpected answer below
		}
	}
	return { statusCode: response.statusCode, body, headers: response.headers ?? {} };
}

function envelopeOf(raw: RawResponse): KieEnvelope {
	const body = raw.body as Partial<KieEnvelope> | undefined;
	if (body && typeof body === 'object' && typeof body.code === 'number') {
		return { code: body.code, msg: kieText(body.msg), data: body.data };
	}
	// No envelope: an HTTP-level error from kie, a proxy or a load balancer. Its text is not kie's
	// and may echo anything (request headers included), so none of it is kept.
	const code = raw.statusCode >= 400 ? raw.statusCode : 500;
	return {
		code,
		msg: `HTTP ${raw.statusCode}, an answer that is not from kie.ai's API (a proxy or firewall in between?)`,
		data: null,
	};
}

/**
 * Sends one kie.ai request and returns the envelope's `data`. Throws KieApiError for any envelope
 * code other than 200 (kie answers errors with HTTP 200, docs/kie-api.md#conventions) and KieTransportError when no
 * answer came. Retries:
 * - safe requests (reads, uploads): on 429/455/5xx/408 and network errors, with exponential back-off and jitter;
 * - paid requests (creates): only on 429/455 envelopes and on errors where the request never left this
 *   machine (connection refused, DNS). A 5xx or a reset could mean a task was created: not retried.
 */
export async function kieRequest<T = unknown>(
	ctx: ApiContext,
	config: ApiConfig,
	request: KieRequest,
): Promise<T> {
	const policy = request.retry ?? DEFAULT_RETRY;
	const limiterKey = config.baseUrl;
	const limited = request.rateLimited ?? request.resend === 'paid';
	for (let attempt = 0; ; attempt++) {
		const slot: CreateSlot | undefined = limited
			? await acquireCreateSlot(limiterKey, request.rateLimit ?? DEFAULT_RATE_LIMIT, request.signal)
			: undefined;
		const sent = await settle(async () => await send(ctx, config, request));
		if (!sent.ok) {
			const networkCode = networkCodeOf(sent.error);
			const neverSent = networkCode !== undefined && NOT_SENT_NETWORK_CODES.has(networkCode);
			if (neverSent) slot?.release();
			else slot?.done();
			throwIfCancelled(request.signal);
			const retryable =
				networkCode !== undefined &&
				(request.resend === 'safe' ? RETRYABLE_NETWORK_CODES.has(networkCode) : neverSent);
			const delay =
				retryable && attempt < policy.maxRetries ? nextDelay(policy, attempt) : undefined;
			if (delay !== undefined) {
				await pause(delay, request.signal);
				continue;
			}
			throw transportError(
				request,
				networkCode,
				request.host === 'upload' ? config.uploadBaseUrl : config.baseUrl,
			);
		}
		const envelope = envelopeOf(sent.value);
		// A refused create (429/455) was not counted by kie as a task: give its slot back.
		if (REFUSED_CODES.has(envelope.code)) slot?.release();
		else slot?.done();
		if (envelope.code === 200) return envelope.data as T;
		const retryable =
			request.resend === 'safe'
				? REFUSED_CODES.has(envelope.code) || envelope.code >= 500 || envelope.code === 408
				: REFUSED_CODES.has(envelope.code);
		// kie (or a proxy) may say how long to hold back; a resend never comes sooner than that.
		const delay =
			retryable && attempt < policy.maxRetries
				? nextDelay(policy, attempt, retryAfterMs(sent.value.headers))
				: undefined;
		if (delay !== undefined) {
			await pause(delay, request.signal);
			continue;
		}
		const uncertain =
			request.resend === 'paid' &&
			!REFUSED_CODES.has(envelope.code) &&
			(envelope.code >= 500 || envelope.code === 408);
		throw new KieApiError(
			envelope.code,
			envelope.msg,
			sent.value.statusCode,
			request.endpoint,
			envelope.data,
			uncertain,
		);
	}
}
