/* Test-side stand-ins for kie.ai's callback sender and an attacker: hand-made callback requests
 * (signed with the simulator's own, independent implementation of kie's scheme), exact replays of
 * requests the CallbackServer received, and the simulator's control calls the callback tests use. */
import axios from 'axios';

import { signCallback, type RunningSimulator } from '../../simulator';
import type { CallbackServer, LoggedRequest } from './webhooks';
import { until } from './webhooks';

export interface Answer {
	status: number;
	body: Record<string, unknown>;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** kie's signature headers for `taskId` (docs/kie-api.md#callback-signature), optionally at another time or with another key. */
export function signedHeaders(
	hmacKey: string,
	taskId: string,
	timestamp: number | string = nowSeconds(),
): Record<string, string> {
	return {
		'X-Webhook-Timestamp': String(timestamp),
		'X-Webhook-Signature': signCallback(hmacKey, taskId, timestamp),
	};
}

/** POSTs a callback; `body` may be an object (sent as JSON) or raw text. Never throws on a status. */
export async function postCallback(
	url: string,
	body: unknown,
	headers: Record<string, string> = {},
): Promise<Answer> {
	const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
	const answer = await axios.post(url, data, {
		headers: { 'content-type': 'application/json', ...headers },
		// Exactly these bytes: axios would otherwise JSON-encode a string sent as application/json.
		transformRequest: [(payload: unknown) => payload],
		validateStatus: () => true,
		transformResponse: (text: string) => {
			try {
				return JSON.parse(text) as unknown;
			} catch {
				return { text };
			}
		},
		maxBodyLength: Infinity,
	});
	return { status: answer.status, body: answer.data as Record<string, unknown> };
}

/** Sends a request the server received before again, byte for byte, headers included. */
export async function replay(server: CallbackServer, logged: LoggedRequest): Promise<Answer> {
	const headers: Record<string, string> = {};
	for (const name of ['content-type', 'x-webhook-timestamp', 'x-webhook-signature']) {
		const value = logged.headers[name];
		if (typeof value === 'string') headers[name] = value;
	}
	return await postCallback(`${server.url}${logged.url}`, logged.requestBody, headers);
}

/** A generation success body in the documented shape (docs/kie-api.md#callback-body), for task `taskId`. */
export function successBody(
	taskId: string,
	urls: unknown = ['https://files.example/v.mp4'],
	extra: Record<string, unknown> = {},
): Record<string, unknown> {
	return {
		code: 200,
		msg: 'Veo3.1 video generated successfully.',
		data: {
			taskId,
			info: { resultUrls: urls, originUrls: [], resolution: '720p' },
			fallbackFlag: false,
			...extra,
		},
	};
}

/** The simulator's control API, as used by the callback tests. */
export class SimControl {
	constructor(private readonly sim: () => RunningSimulator) {}

	/** Finishes a task now (its callback is sent as configured: dropped, duplicated, signed). */
	async complete(taskId: string, outcome?: string): Promise<void> {
		await axios.post(
			`${this.sim().controlUrl}/tasks/${taskId}/complete`,
			outcome ? { outcome } : {},
		);
	}

	/** Sends a finished task's callback again (faults off): `{duplicate, tamper, timestamp, url, kind}`. */
	async resend(taskId: string, options: Record<string, unknown> = {}): Promise<void> {
		await axios.post(`${this.sim().controlUrl}/tasks/${taskId}/callback`, options);
	}

	/** Answered deliveries of callbacks for this task (retries included). */
	deliveries(taskId: string): ReturnType<RunningSimulator['callbacks']> {
		return this.sim()
			.callbacks()
			.filter((c) => c.taskId === taskId);
	}

	/** Waits until `count` deliveries for the task have been answered (or failed on the network). */
	async delivered(taskId: string, count = 1): Promise<void> {
		await until(
			() => this.deliveries(taskId).length >= count,
			5000,
			`${count} callback(s) for ${taskId}`,
		);
	}

	/** record-info reads the simulator answered, per task id. */
	recordReads(): Map<string, number> {
		const reads = new Map<string, number>();
		for (const r of this.sim().requests()) {
			if (r.endpoint !== 'GET /api/v1/veo/record-info') continue;
			const taskId = new URL(r.path, 'http://sim').searchParams.get('taskId') ?? '';
			reads.set(taskId, (reads.get(taskId) ?? 0) + 1);
		}
		return reads;
	}

	/** Creates a generation task directly (setup, not node code); optionally with a callback URL. */
	async createTask(
		apiKey: string,
		prompt: string,
		body: Record<string, unknown> = {},
	): Promise<string> {
		const answer = await axios.post(
			`${this.sim().url}/api/v1/veo/generate`,
			{ prompt, model: 'veo3_fast', ...body },
			{ headers: { Authorization: `Bearer ${apiKey}` } },
		);
		if (answer.data?.code !== 200)
			throw new Error(`setup generate failed: ${JSON.stringify(answer.data)}`);
		return String(answer.data.data.taskId);
	}

	/** Creates an extend or 4K job directly (setup), with its callback URL. */
	async post(
		apiKey: string,
		endpoint: string,
		body: Record<string, unknown>,
	): Promise<Record<string, unknown>> {
		const answer = await axios.post(`${this.sim().url}${endpoint}`, body, {
			headers: { Authorization: `Bearer ${apiKey}` },
			validateStatus: () => true,
		});
		return answer.data as Record<string, unknown>;
	}
}
