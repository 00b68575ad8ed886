/**
 * Control API under `/__sim/` (no auth, plain JSON, never counted in the request log): reset,
 * config, counters, request/callback logs, task inspection and manipulation, outage.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body';
import { fourKPayload, generationPayload, type CallbackPayload } from './callbackPayloads';
import { dispatchCallback } from './callbacks';
import { OUTCOMES, redactConfig, validatePatch, type ConfigPatch, type Outcome } from './config';
import { writeJson } from './envelope';
import { jobsRecordData } from './jobsRecord';
import { recordData } from './record';
import type { Tamper } from './signing';
import type { SimState } from './state';
import { ageTask, completeTask } from './tasks';
import type { Task } from './types';
import { finishUpgrades, hd1080Ready } from './upgrades';

export interface TaskView {
	id: string;
	kind: Task['kind'];
	parentId: string | null;
	state: 'generating' | 'success' | 'failed';
	prompt: string;
	model: string;
	aspectRatio: string;
	resolution: string;
	seed: number;
	callBackUrl: string | null;
	plannedOutcome: Outcome;
	outcome: Outcome | null;
	renderMs: number;
	createdAt: number;
	completedAt: number | null;
	creditsCharged: number;
	largeBytes: number | null;
	hd1080: Array<{ index: number; calls: number; readyMs: number; ready: boolean }>;
	fourK: Array<{
		index: number;
		readyMs: number;
		done: boolean;
		failed: boolean;
		callBackUrl: string | null;
		/** The 4K render's own task id (config fourKTaskId 'new'), else null. */
		id: string | null;
	}>;
	/** What the task's record endpoint (record-info or the Jobs API's recordInfo) would answer now (`data`). */
	record: Record<string, unknown>;
}

export function taskView(state: SimState, task: Task): TaskView {
	return {
		id: task.id,
		kind: task.kind,
		parentId: task.parentId,
		state:
			task.outcome === null
				? 'generating'
				: task.outcome === 'success' || task.outcome === 'fallback'
					? 'success'
					: 'failed',
		prompt: task.prompt,
		model: task.model,
		aspectRatio: task.aspectRatio,
		resolution: task.resolution,
		seed: task.seed,
		callBackUrl: task.callBackUrl,
		plannedOutcome: task.plannedOutcome,
		outcome: task.outcome,
		renderMs: task.renderMs,
		createdAt: task.createdAt,
		completedAt: task.completedAt,
		creditsCharged: task.creditsCharged,
		largeBytes: task.largeBytes,
		hd1080: [...task.hd1080].map(([index, j]) => ({
			index,
			calls: j.calls,
			readyMs: j.readyMs,
			ready: hd1080Ready(state, j),
		})),
		fourK: [...task.fourK].map(([index, j]) => ({
			index,
			readyMs: j.readyMs,
			done: j.done,
			failed: j.failed,
			callBackUrl: j.callBackUrl,
			id: j.id,
		})),
		record: task.api === 'jobs' ? jobsRecordData(state, task) : recordData(state, task),
	};
}

type Body = Record<string, unknown>;
type Reply = { status: number; body: unknown };

const okReply = (body: unknown): Reply => ({ status: 200, body });
const badRequest = (error: string): Reply => ({ status: 400, body: { error } });
const notFound = (error: string): Reply => ({ status: 404, body: { error } });

function completeReply(state: SimState, task: Task, body: Body): Reply {
	const outcome = body.outcome;
	if (outcome !== undefined && !OUTCOMES.includes(outcome as Outcome)) {
		return badRequest(`outcome must be one of ${OUTCOMES.join(', ')}`);
	}
	if (task.outcome === null) {
		completeTask(state, task, (outcome as Outcome | undefined) ?? task.plannedOutcome);
		return okReply({ completed: true, upgradesFinished: 0, task: taskView(state, task) });
	}
	if (outcome !== undefined)
		return { status: 409, body: { error: 'task already finished; its outcome cannot change' } };
	// A finished task: "complete now" applies to its pending 1080p / 4K jobs.
	const n = finishUpgrades(state, task);
	return okReply({ completed: false, upgradesFinished: n, task: taskView(state, task) });
}

function ageReply(state: SimState, task: Task, body: Body): Reply {
	const days = body.days;
	if (typeof days !== 'number' || !Number.isFinite(days))
		return badRequest('days must be a number');
	ageTask(task, days);
	return okReply({ task: taskView(state, task) });
}

/** Re-send a task's callback: `{duplicate?, tamper?, timestamp?, url?, kind?: 'generation'|'4k', index?}`. */
function callbackReply(state: SimState, task: Task, body: Body): Reply {
	const duplicate = body.duplicate ?? 0;
	if (typeof duplicate !== 'number' || !Number.isInteger(duplicate) || duplicate < 0) {
		return badRequest('duplicate must be a non-negative integer (extra copies)');
	}
	const tamper = body.tamper;
	if (tamper !== undefined && tamper !== 'signature' && tamper !== 'unsigned') {
		return badRequest('tamper must be one of signature, unsigned');
	}
	const timestamp = body.timestamp === undefined ? undefined : String(body.timestamp);
	if (body.url !== undefined && typeof body.url !== 'string')
		return badRequest('url must be a string');
	const kind = body.kind ?? 'generation';
	let payload: CallbackPayload;
	let url: string | null;
	if (kind === 'generation') {
		if (task.outcome === null) return { status: 409, body: { error: 'task is still generating' } };
		payload = generationPayload(state, task);
		url = (body.url as string | undefined) ?? task.callBackUrl;
	} else if (kind === '4k') {
		const index = typeof body.index === 'number' ? body.index : 0;
		const job = task.fourK.get(index);
		if (!job?.done)
			return { status: 409, body: { error: `no finished 4K job for index ${index}` } };
		payload = fourKPayload(state, task, index, job);
		url = (body.url as string | undefined) ?? job.callBackUrl;
	} else {
		return badRequest('kind must be one of generation, 4k');
	}
	if (!url) return badRequest('task has no callBackUrl; pass {"url": ...}');
	const sent = dispatchCallback(state, url, payload, kind, {
		faults: false,
		copies: 1 + duplicate,
		tamper: tamper as Tamper | undefined,
		timestamp,
	});
	if (sent === 0) return badRequest('url must be an http(s) URL');
	return okReply({ sent, url });
}

function route(
	state: SimState,
	method: string,
	pathname: string,
	query: URLSearchParams,
	body: Body,
): Reply {
	const path = pathname.replace(/\/+$/, '');
	const key = `${method} ${path}`;
	switch (key) {
		case 'GET /__sim/health':
			return okReply({
				ok: true,
				uptimeMs: Date.now() - state.startedAt,
				profile: state.config.profile,
				tasks: state.tasks.size,
				lastError: state.lastError,
			});
		case 'POST /__sim/reset':
			state.reset();
			return okReply({ ok: true, config: redactConfig(state.config) });
		case 'GET /__sim/config':
			return okReply(redactConfig(state.config));
		case 'POST /__sim/config': {
			const error = validatePatch(body);
			if (error) return badRequest(error);
			return okReply(redactConfig(state.configure(body as ConfigPatch)));
		}
		case 'GET /__sim/counters':
			return okReply(state.snapshotCounters());
		case 'GET /__sim/requests': {
			const limit = Number(query.get('limit') ?? state.requestLog.length);
			return okReply({ requests: state.requestLog.slice(-Math.max(0, limit)) });
		}
		case 'GET /__sim/callbacks':
			return okReply({ callbacks: state.callbackLog });
		case 'GET /__sim/tasks':
			return okReply({ tasks: [...state.tasks.values()].map((t) => taskView(state, t)) });
		case 'POST /__sim/outage': {
			const ms = body.ms;
			if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
				return badRequest('ms must be a non-negative number');
			state.outageUntil = Date.now() + ms;
			return okReply({ ok: true, until: new Date(state.outageUntil).toISOString() });
		}
	}
	const m = /^\/__sim\/tasks\/([^/]+)(?:\/(complete|age|callback))?$/.exec(path);
	if (m) {
		const task = state.tasks.get(m[1]);
		if (!task) return notFound(`no task ${m[1]}`);
		const action = m[2];
		if (!action && method === 'GET') return okReply(taskView(state, task));
		if (action === 'complete' && method === 'POST') return completeReply(state, task, body);
		if (action === 'age' && method === 'POST') return ageReply(state, task, body);
		if (action === 'callback' && method === 'POST') return callbackReply(state, task, body);
	}
	return notFound(`no control endpoint ${key}`);
}

export async function handleControl(
	state: SimState,
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
): Promise<void> {
	const read = await readBody(req, 1024 * 1024);
	if (!read.ok) {
		if (read.reason === 'too-large') writeJson(res, 413, { error: 'body too large' });
		return;
	}
	let body: Body = {};
	if (read.raw.length > 0) {
		try {
			const parsed: unknown = JSON.parse(read.raw.toString('utf8'));
			if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
				writeJson(res, 400, { error: 'body must be a JSON object' });
				return;
			}
			body = parsed as Body;
		} catch {
			writeJson(res, 400, { error: 'body is not valid JSON' });
			return;
		}
	}
	const reply = route(state, req.method ?? 'GET', url.pathname, url.searchParams, body);
	writeJson(res, reply.status, reply.body);
}
