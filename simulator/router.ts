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

/**
 * One route: `'<METHOD> <path below the prefix>'`, its endpoint kind, its handler. GET routes have
 * no body and POST routes a JSON one, unless the row says `multipart`. A `{param}` in the path
 * matches anything, slashes included (a model id may contain one, sent plain or as %2F).
 */
type Row = readonly [
	route: `${ApiRoute['method']} /${string}`,
	kind: EndpointKind,
	handle: ApiRoute['handle'],
	body?: 'multipart',
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

function table(prefix: string, rows: readonly Row[]): ApiRoute[] {
	return rows.map(([route, kind, handle, multipart]) => {
		const [method, below] = route.split(' ') as [ApiRoute['method'], string];
		const path = prefix + below;
		const parts = path.split(/\{[a-z]+\}/i);
		return {
			method,
			path,
			...(parts.length > 1
				? { pattern: new RegExp(`^${parts.map(escapeRegExp).join('(.+)')}$`) }
				: {}),
			kind,
			body: multipart ?? (method === 'GET' ? 'none' : 'json'),
			handle,
		};
	});
}

const VEO_PREFIX = '/api/v1/veo/';

const API_ROUTES: readonly ApiRoute[] = [
	// The dedicated Veo API, which `veoRetired` removes.
	...table(VEO_PREFIX.slice(0, -1), [
		['POST /generate', 'create', (c) => handleGenerate(c.state, c.json)],
		['GET /record-info', 'read', (c) => handleRecordInfo(c.state, c.query)],
		['GET /get-1080p-video', 'read', (c) => handle1080p(c.state, c.query)],
		// docs/kie-api.md#endpoints: 4K is POST (1080p is GET) — the 4K page stresses the difference.
		['POST /get-4k-video', 'create', (c) => handle4k(c.state, c.json)],
		['POST /extend', 'create', (c) => handleExtend(c.state, c.json)],
	]),
	// The Jobs API, the model catalog and the account.
	...table('/api/v1', [
		['POST /jobs/createTask', 'create', (c) => handleCreateTask(c.state, c.json)],
		['GET /jobs/recordInfo', 'read', (c) => handleJobsRecordInfo(c.state, c.query)],
		['GET /models', 'read', (c) => handleModels(c.state, c.query)],
		...(['price', 'schema', 'success-rate'] as ModelAspect[]).map(
			(aspect): Row => [
				`GET /models/{model}/${aspect}`,
				'read',
				(c) => handleModelAspect(c.state, c.params[0], aspect),
			],
		),
		['GET /chat/credit', 'read', (c) => handleCredit(c.state)],
		['POST /common/download-url', 'read', (c) => handleDownloadUrl(c.state, c.json)],
	]),
	// The File Upload API, on its own host in reality.
	...table(`${UPLOAD_PREFIX}/api`, [
		[
			'POST /file-stream-upload',
			'upload',
			(c) => handleStreamUpload(c.state, c.req.headers, c.raw),
			'multipart',
		],
		['POST /file-url-upload', 'upload', (c) => handleUrlUpload(c.state, asObject(c.json))],
		['POST /file-base64-upload', 'upload', (c) => handleBase64Upload(c.state, asObject(c.json))],
	]),
];

/**
 * What answers a path: the control API (`/__sim`, no auth, never in the request log), the result
 * and upload files (`/files/...`, no auth, only the outage applies), or else the kie API above.
 */
export type Area = 'control' | 'files' | 'api';

const AREAS: ReadonlyArray<{ area: Exclude<Area, 'api'>; root: string }> = [
	{ area: 'control', root: '/__sim' },
	{ area: 'files', root: '/files' },
];

export function areaOf(pathname: string): Area {
	const mount = AREAS.find(
		({ area, root }) =>
			pathname.startsWith(`${root}/`) || (area === 'control' && pathname === root),
	);
	return mount?.area ?? 'api';
}

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
	return pathname.startsWith(VEO_PREFIX);
}
