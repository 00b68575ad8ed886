/**
 * The kie API surface (docs/kie-api.md#endpoints) as a table: path, method, endpoint kind (for faults and the create rate
 * limit) and body type. Upload endpoints live under `/upload` because the real upload API has its
 * own host (docs/kie-api.md#uploads), so clients configure `<base>/upload` as the upload base URL.
 */
import type { IncomingMessage } from 'node:http';
import { handleCredit, handleDownloadUrl } from './account';
import { handleCreateTask, handleJobsRecordInfo } from './jobs';
import { handleModelAspect, handleModels, type ModelAspect } from './models';
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
	/** Groups of a pattern route, decoded. */
	params: string[];
}

export interface ApiRoute {
	method: 'GET' | 'POST';
	/** The path, or for pattern routes its template (used in counters and logs). */
	path: string;
	/** Paths with a parameter (a model id may itself contain a slash, sent plain or as %2F). */
	pattern?: RegExp;
	kind: EndpointKind;
	body: 'none' | 'json' | 'multipart';
	handle(ctx: RouteContext): ApiResult | Promise<ApiResult>;
}

/** Upload JSON handlers take an object; anything else is answered by the handler's own checks. */
const asObject = (v: unknown): Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

const API_ROUTES: readonly ApiRoute[] = [
	{
		method: 'POST',
		path: '/api/v1/veo/generate',
		kind: 'create',
		body: 'json',
		handle: (c) => handleGenerate(c.state, c.json),
	},
	{
		method: 'GET',
		path: '/api/v1/veo/record-info',
		kind: 'read',
		body: 'none',
		handle: (c) => handleRecordInfo(c.state, c.query),
	},
	{
		method: 'GET',
		path: '/api/v1/veo/get-1080p-video',
		kind: 'read',
		body: 'none',
		handle: (c) => handle1080p(c.state, c.query),
	},
	// docs/kie-api.md#endpoints: 4K is POST (1080p is GET) — the 4K page stresses the difference.
	{
		method: 'POST',
		path: '/api/v1/veo/get-4k-video',
		kind: 'create',
		body: 'json',
		handle: (c) => handle4k(c.state, c.json),
	},
	{
		method: 'POST',
		path: '/api/v1/veo/extend',
		kind: 'create',
		body: 'json',
		handle: (c) => handleExtend(c.state, c.json),
	},
	{
		method: 'POST',
		path: '/api/v1/jobs/createTask',
		kind: 'create',
		body: 'json',
		handle: (c) => handleCreateTask(c.state, c.json),
	},
	{
		method: 'GET',
		path: '/api/v1/jobs/recordInfo',
		kind: 'read',
		body: 'none',
		handle: (c) => handleJobsRecordInfo(c.state, c.query),
	},
	{
		method: 'GET',
		path: '/api/v1/models',
		kind: 'read',
		body: 'none',
		handle: (c) => handleModels(c.state, c.query),
	},
	...(['price', 'schema', 'success-rate'] as ModelAspect[]).map(
		(aspect): ApiRoute => ({
			method: 'GET',
			path: `/api/v1/models/{model}/${aspect}`,
			pattern: new RegExp(`^/api/v1/models/(.+)/${aspect}$`),
			kind: 'read',
			body: 'none',
			handle: (c) => handleModelAspect(c.state, c.params[0], aspect),
		}),
	),
	{
		method: 'GET',
		path: '/api/v1/chat/credit',
		kind: 'read',
		body: 'none',
		handle: (c) => handleCredit(c.state),
	},
	{
		method: 'POST',
		path: '/api/v1/common/download-url',
		kind: 'read',
		body: 'json',
		handle: (c) => handleDownloadUrl(c.state, c.json),
	},
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

export type RouteMatch = { route: ApiRoute; params: string[] } | { wrongMethod: true } | null;

function paramsOf(route: ApiRoute, pathname: string): string[] | null {
	if (!route.pattern) return route.path === pathname ? [] : null;
	const m = route.pattern.exec(pathname);
	if (!m) return null;
	try {
		return m.slice(1).map(decodeURIComponent);
	} catch {
		return null;
	}
}

export function findRoute(method: string | undefined, pathname: string): RouteMatch {
	const candidates = API_ROUTES.flatMap((route) => {
		const params = paramsOf(route, pathname);
		return params ? [{ route, params }] : [];
	});
	if (candidates.length === 0) return null;
	return candidates.find((c) => c.route.method === method) ?? { wrongMethod: true };
}

/** The dedicated Veo endpoints, which `veoRetired` removes. */
export function isVeoPath(pathname: string): boolean {
	return pathname.startsWith('/api/v1/veo/');
}
