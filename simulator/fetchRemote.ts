/**
 * Download a remote file for `file-url-upload` (docs/kie-api.md#uploads): http/https only, a whole-download timeout
 * (30 s documented), a size cap, and a few redirects. The request is tracked by the scheduler so
 * `stop()` aborts it.
 */
import http from 'node:http';
import https from 'node:https';
import type { Scheduler } from './scheduler';

export interface Fetched {
	bytes: Buffer;
	contentType: string | null;
	/** Final URL after redirects (its last path segment names the file). */
	url: URL;
}

const MAX_REDIRECTS = 5;

export function fetchRemote(
	scheduler: Scheduler,
	url: URL,
	opts: { timeoutMs: number; maxBytes: number },
	redirects = 0,
): Promise<Fetched> {
	return new Promise((resolve, reject) => {
		const lib = url.protocol === 'https:' ? https : http;
		const req = scheduler.track(lib.get(url, { agent: false }));
		const timer = setTimeout(
			() => req.destroy(new Error(`download timed out after ${opts.timeoutMs} ms`)),
			opts.timeoutMs,
		);
		const settle = (fn: () => void): void => {
			clearTimeout(timer);
			fn();
		};
		req.on('close', () => scheduler.untrack(req));
		req.on('error', (err) => settle(() => reject(err)));
		req.on('response', (res) => {
			const status = res.statusCode ?? 0;
			const location = res.headers.location;
			if (status >= 300 && status < 400 && location) {
				res.resume();
				if (redirects >= MAX_REDIRECTS)
					return settle(() => reject(new Error('too many redirects')));
				const next = new URL(location, url);
				if (next.protocol !== 'http:' && next.protocol !== 'https:') {
					return settle(() => reject(new Error('redirect to a non-http(s) URL')));
				}
				return settle(() => resolve(fetchRemote(scheduler, next, opts, redirects + 1)));
			}
			if (status !== 200) {
				res.resume();
				return settle(() => reject(new Error(`remote server answered HTTP ${status}`)));
			}
			const chunks: Buffer[] = [];
			let size = 0;
			res.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > opts.maxBytes)
					req.destroy(new Error(`file is larger than ${opts.maxBytes} bytes`));
				else chunks.push(chunk);
			});
			res.on('error', (err) => settle(() => reject(err)));
			res.on('end', () =>
				settle(() =>
					resolve({
						bytes: Buffer.concat(chunks),
						contentType: res.headers['content-type'] ?? null,
						url,
					}),
				),
			);
		});
	});
}
