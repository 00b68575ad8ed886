/**
 * Common endpoints: GET /api/v1/chat/credit (docs/kie-api.md#credits) and POST /api/v1/common/download-url (docs/kie-api.md#download-url).
 */
import { fail, MSG, ok, type ApiResult } from './envelope';
import { resolveFile } from './files';
import { hexId } from './random';
import type { SimState } from './state';
import { DOWNLOAD_RE } from './urls';

/** docs/kie-api.md#credits: `data` is the bare balance (a float in recorded traffic). */
export function handleCredit(state: SimState): ApiResult {
	return ok(state.credits);
}

/** Origins under which the simulator's own file URLs are recognised. */
function ownOrigins(state: SimState): Set<string> {
	const origins = new Set<string>([
		new URL(state.publicUrl).origin,
		new URL(state.localUrl).origin,
	]);
	const port = new URL(state.localUrl).port;
	origins.add(`http://localhost:${port}`).add(`http://127.0.0.1:${port}`);
	return origins;
}

/**
 * docs/kie-api.md#download-url: only kie-generated (here: simulator-served) file URLs are accepted, anything else is
 * 422 "url is wrong" (recorded with HTTP 200). The answer is a link valid 20 minutes.
 */
export function handleDownloadUrl(state: SimState, body: unknown): ApiResult {
	const url =
		typeof body === 'object' && body !== null ? (body as Record<string, unknown>).url : undefined;
	if (url === undefined || url === null || url === '') return fail(422, 'url is required');
	if (typeof url !== 'string') return fail(422, 'url must be a string');
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return fail(422, MSG.urlWrong);
	}
	const target = parsed.pathname;
	if (
		!ownOrigins(state).has(parsed.origin) ||
		DOWNLOAD_RE.test(target) ||
		!resolveFile(state, target)
	) {
		return fail(422, MSG.urlWrong);
	}
	const token = hexId();
	state.downloads.set(token, { target, expiresAt: Date.now() + state.config.downloadUrlTtlMs });
	const name = target.slice(target.lastIndexOf('/') + 1);
	return ok(`${state.publicUrl}/files/dl/${token}/${name}`);
}
