// Minimal HTTP plumbing for talking to n8n: a cookie session for the internal /rest API and
// error messages that never carry secrets.
import axios, { type AxiosInstance, type AxiosResponse, type Method } from 'axios';

/** n8n API keys are JWTs; session cookies are JWTs too. Never let one reach a log or a test failure. */
function redact(text: string): string {
	return text.replace(/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g, '<redacted-jwt>');
}

export class HttpError extends Error {
	constructor(
		readonly method: string,
		readonly path: string,
		readonly status: number,
		readonly body: unknown,
	) {
		const text = typeof body === 'string' ? body : JSON.stringify(body);
		// Request headers/bodies (API key, credential data) are deliberately not part of the message.
		super(
			`${method.toUpperCase()} ${path} -> HTTP ${status}: ${redact(String(text ?? '')).slice(0, 600)}`,
		);
		this.name = 'HttpError';
	}
}

/** An axios instance that never throws on status and never uses an HTTP(S)_PROXY for 127.0.0.1. */
export function plainClient(baseURL?: string, timeoutMs = 30_000): AxiosInstance {
	return axios.create({
		baseURL,
		timeout: timeoutMs,
		validateStatus: () => true,
		proxy: false,
		maxRedirects: 0,
	});
}

/** For calling webhooks and resume URLs (absolute URLs, no auth): statuses are returned, never thrown. */
export function plainHttp(): AxiosInstance {
	return plainClient(undefined, 30_000);
}

/**
 * Cookie-authenticated session for /rest/*. n8n binds the auth cookie to the `browser-id` header
 * sent at login: every later call must send the same value or gets 401 (docs/n8n-notes.md#pitfall-browser-id).
 */
export class CookieSession {
	/** #private: the n8n-auth cookie is a session token and must not show up in console.log(session). */
	readonly #cookies = new Map<string, string>();
	private readonly http: AxiosInstance;

	constructor(
		readonly baseUrl: string,
		readonly browserId = 'n8n-nodes-veo3-e2e',
	) {
		this.http = plainClient(baseUrl);
	}

	/** The session's cookies, to hand the login to another process (fromCookies) without a second login. */
	exportCookies(): Array<[string, string]> {
		return [...this.#cookies];
	}

	static fromCookies(baseUrl: string, cookies: Array<[string, string]>): CookieSession {
		const session = new CookieSession(baseUrl);
		for (const [name, value] of cookies) session.#cookies.set(name, value);
		return session;
	}

	async request<T = any>(
		method: Method,
		path: string,
		body?: unknown,
		timeoutMs?: number,
	): Promise<AxiosResponse<T>> {
		const cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
		const res = await this.http.request<T>({
			method,
			url: path,
			data: body,
			timeout: timeoutMs,
			headers: { 'browser-id': this.browserId, ...(cookie ? { cookie } : {}) },
		});
		for (const line of res.headers['set-cookie'] ?? []) {
			const [pair] = line.split(';');
			const eq = pair.indexOf('=');
			const name = pair.slice(0, eq).trim();
			const value = pair.slice(eq + 1).trim();
			if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.#cookies.delete(name);
			else this.#cookies.set(name, value);
		}
		return res;
	}

	/** Calls /rest<path>, throws HttpError unless 2xx, and unwraps n8n's `{ data }` envelope. */
	async rest<T = any>(
		method: Method,
		path: string,
		body?: unknown,
		timeoutMs?: number,
	): Promise<T> {
		const res = await this.request(method, `/rest${path}`, body, timeoutMs);
		if (res.status < 200 || res.status >= 300)
			throw new HttpError(method, `/rest${path}`, res.status, res.data);
		return (
			res.data && typeof res.data === 'object' && 'data' in res.data ? res.data.data : res.data
		) as T;
	}
}
