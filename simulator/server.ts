/**
 * The HTTP front door. Order of checks for an API request:
 *   outage (socket destroyed) → retired route 404 → maintenance 455 → auth 401 → sub-key limit 433
 *   → injected slow / 429 burst / 500
 *   → create window 429 → JSON body → handler → (optional 500 or connection reset after commit).
 * Control requests (`/__sim/...`) skip all of it; files (`/files/...`) only honour the outage.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAuthorized } from './auth';
import { readBody } from './body';
import { handleControl } from './control';
import { fail, MSG, writeJson, type ApiResult } from './envelope';
import { createWindowFull, decideFaults, rateLimited, recordCreate, serverError } from './faults';
import { handleFile } from './files';
import { chance } from './random';
import {
	areaOf,
	findRoute,
	isVeoPath,
	routeName,
	type ApiRoute,
	type RouteContext,
} from './router';
import type { SimState } from './state';

const API_BODY_LIMIT = 10 * 1024 * 1024;

export function requestHandler(
	state: SimState,
): (req: IncomingMessage, res: ServerResponse) => void {
	return (req, res) => {
		handle(state, req, res).catch((err: Error) => {
			state.lastError = err.stack ?? err.message;
			if (!res.headersSent) writeJson(res, 500, serverError().body);
			else res.destroy();
		});
	};
}

async function handle(state: SimState, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const url = new URL(req.url ?? '/', 'http://simulator.invalid');
	const { pathname } = url;
	const area = areaOf(pathname);
	if (area === 'control') return handleControl(state, req, res, url);

	if (Date.now() < state.outageUntil) {
		// "Unreachable": no response at all, the client sees a connection reset.
		state.counters.faults.outageDrops++;
		req.socket.destroy();
		return;
	}

	const log = (endpoint: string, status: number, code: number | null): void =>
		state.logRequest({
			time: new Date().toISOString(),
			method: req.method ?? '',
			path: pathname + url.search,
			endpoint,
			status,
			code,
		});

	if (area === 'files') {
		state.countRequest('GET /files');
		const status = await handleFile(state, req, res, pathname);
		log('GET /files', status, null);
		return;
	}

	// Retired endpoints answer exactly like paths kie never had.
	const match =
		state.config.veoRetired && isVeoPath(pathname) ? null : findRoute(req.method, pathname);
	if (!match) {
		const result = fail(
			404,
			'Not Found - The requested resource or endpoint does not exist',
			null,
			404,
		);
		writeJson(res, result.status, result.body);
		log('unknown', result.status, result.body.code);
		return;
	}
	if ('wrongMethod' in match) {
		writeJson(res, 405, { code: 405, msg: `Method ${req.method} is not allowed here`, data: null });
		log('unknown', 405, 405);
		return;
	}

	const { route, params } = match;
	const name = routeName(route);
	state.countRequest(name);
	const body = await readBody(req, bodyLimit(state, route));
	if (!body.ok && body.reason === 'aborted') return;
	const { result, created } = body.ok
		? await runApi(state, route, { url, req, raw: body.raw, params })
		: { result: tooLarge(route), created: false };
	if (route.kind === 'create' && !created) state.counters.createsRejected++;
	if (created && chance(state.rng.reset, state.config.faults.createResetAfterCommitRate)) {
		// The task exists and was charged; the answer is lost on the way (the client sees a reset).
		state.counters.faults.createResets++;
		log(name, 0, null);
		req.socket.destroy();
		return;
	}
	writeJson(res, result.status, result.body);
	log(name, result.status, result.body.code);
}

function bodyLimit(state: SimState, route: ApiRoute): number {
	// base64 inflates by 4/3; leave room for multipart/JSON framing.
	return route.kind === 'upload'
		? Math.ceil(state.config.maxUploadBytes * 1.4) + 1024 * 1024
		: API_BODY_LIMIT;
}

function tooLarge(route: ApiRoute): ApiResult {
	return route.kind === 'upload'
		? fail(400, 'request body is too large')
		: fail(422, 'request body is too large');
}

interface Incoming {
	url: URL;
	req: IncomingMessage;
	raw: Buffer;
	params: string[];
}

async function runApi(
	state: SimState,
	route: ApiRoute,
	incoming: Incoming,
): Promise<{ result: ApiResult; created: boolean }> {
	const { url, req, raw, params } = incoming;
	const refuse = (result: ApiResult) => ({ result, created: false });
	// docs/kie-api.md#codes: 455 maintenance; applies before anything else, auth included.
	if (state.config.maintenance) return refuse(fail(455, MSG.maintenance));
	// docs/kie-api.md#conventions: wrong/missing key → HTTP 200, body code 401.
	if (!isAuthorized(req.headers, state.config.apiKey)) return refuse(fail(401, MSG.unauthorized));
	// 433: the key is right, but its sub-key usage limit is used up; nothing is done.
	if (state.config.subKeyLimited) return refuse(fail(433, MSG.subKeyLimit));

	const faults = decideFaults(state, route.kind);
	if (faults.slowMs > 0) {
		state.counters.faults.slow++;
		await state.scheduler.sleep(faults.slowMs);
	}
	if (faults.burst429) {
		state.counters.faults.burst429++;
		return refuse(rateLimited(state));
	}
	const isCreate = route.kind === 'create';
	// A 500 on a create is injected before anything is created, unless the config asks otherwise.
	const after = isCreate && state.config.faults.create500AfterCommit;
	if (faults.http500 && !after) {
		state.counters.faults.http500++;
		return refuse(serverError());
	}
	// docs/kie-api.md#limits: rejected creates create nothing and charge nothing — so the window check precedes the handler.
	if (isCreate && createWindowFull(state)) return refuse(rateLimited(state));

	let json: unknown;
	if (route.body === 'json' && raw.length > 0) {
		try {
			json = JSON.parse(raw.toString('utf8'));
		} catch {
			return refuse(fail(route.kind === 'upload' ? 400 : 422, 'request body is not valid JSON'));
		}
	}
	const ctx: RouteContext = { state, req, query: url.searchParams, raw, json, params };
	const result = await route.handle(ctx);
	const created = isCreate && result.body.code === 200;
	if (created) recordCreate(state);
	if (faults.http500 && after) {
		// create500AfterCommit: the task exists and was charged, but the client only sees a 500.
		state.counters.faults.http500++;
		return { result: serverError(), created };
	}
	return { result, created };
}
