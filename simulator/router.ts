/**
 * The kie API surface (§2) as a table: path, method, endpoint kind (for faults and the create rate
 * limit) and body type. Upload endpoints live under `/upload` because the real upload API has its
 * own host (§10.3), so clients configure `<base>/upload` as the upload base URL.
 */
import type { IncomingMessage } from 'node:http';
import { handleCredit, handleDownloadUrl } from './account';
import type { ApiResult } from './envelope';
import type { EndpointKind } from './faults';
import type { SimState } from './state';
import { handleBase64Upload, handleStreamUpload, handleUrlUpload } from './uploads';
import { handle1080p, handle4k, handleExtend, handleGenerate, handleRecordInfo } from './veo';

export const UPLOAD_PREFIX = '/upload';

export interface RouteContext {
	state: SimState;
	req: IncomingMessage;
	query: URLSearchParams;
	/** Raw body (multipart routes). */
	raw: Buffer;
	/** Parsed JSON body (json routes); undefined when the body was empty. */
	json: unknown;
}

export interface ApiRoute {
	method: 'GET' | 'POST';
	path: string;
	kind: EndpointKind;
	body: 'none' | 'json' | 'multipart';
	handle(ctx: RouteContext): ApiResult | Promise<ApiResult>;
}

/** Upload JSON handlers take an object; anything else is answered by the handler's own checks. */
const asObject = (v: unknown): Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

const API_ROUTES: readonly ApiRoute[] = [
	{ method: 'POST', path: '/api/v1/veo/generate', kind: 'create', body: 'json', handle: (c) => handleGenerate(c.state, c.json) },
	{ method: 'GET', path: '/api/v1/veo/record-info', kind: 'read', body: 'none', handle: (c) => handleRecordInfo(c.state, c.query) },
	{ method: 'GET', path: '/api/v1/veo/get-1080p-video', kind: 'read', body: 'none', handle: (c) => handle1080p(c.state, c.query) },
	// §2: 4K is POST (1080p is GET) — the 4K page stresses the difference.
	{ method: 'POST', path: '/api/v1/veo/get-4k-video', kind: 'create', body: 'json', handle: (c) => handle4k(c.state, c.json) },
	{ method: 'POST', path: '/api/v1/veo/extend', kind: 'create', body: 'json', handle: (c) => handleExtend(c.state, c.json) },
	{ method: 'GET', path: '/api/v1/chat/credit', kind: 'read', body: 'none', handle: (c) => handleCredit(c.state) },
	{ method: 'POST', path: '/api/v1/common/download-url', kind: 'read', body: 'json', handle: (c) => handleDownloadUrl(c.state, c.json) },
	{
		method: 'POST',
		path: `${UPLOAD_PREFIX}/api/file-stream-upload`,
		kind: 'upload',
		body: 'multipart',
		handle: (c) => handleStreamUpload(c.state, c.req.headers, c.raw),
	},
	{
		method: 'POST',
		path: `${UPLOAD_PREFIX}/api/file-url-upload`,
		kind: 'upload',
		body: 'json',
		handle: (c) => handleUrlUpload(c.state, asObject(c.json)),
	},
	{
		method: 'POST',
		path: `${UPLOAD_PREFIX}/api/file-base64-upload`,
		kind: 'upload',
		body: 'json',
		handle: (c) => handleBase64Upload(c.state, asObject(c.json)),
	},
];

export function routeName(route: ApiRoute): string {
	return `${route.method} ${route.path}`;
}

export type RouteMatch = { route: ApiRoute } | { wrongMethod: true } | null;

export function findRoute(method: string | undefined, pathname: string): RouteMatch {
	const candidates = API_ROUTES.filter((r) => r.path === pathname);
	if (candidates.length === 0) return null;
	const route = candidates.find((r) => r.method === method);
	return route ? { route } : { wrongMethod: true };
}
