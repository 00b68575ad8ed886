/**
 * File Upload API (docs/kie-api.md#uploads), served under `<base>/upload/api/...` (the real one lives on its own host):
 * multipart stream, remote URL and base64 uploads. Answers use the recorded-live shape (docs/kie-api.md#uploads
 * CONFLICT: recorded/endpoint-page shape chosen over the quickstart's) and files are then served at
 * `downloadUrl`. Errors use code 400 (documented codes: 400, 401, 500).
 */
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { MSG, type ApiResult } from './envelope';
import { fetchRemote } from './fetchRemote';
import { boundaryOf, parseMultipart } from './multipart';
import { hexId } from './random';
import type { SimState } from './state';
import { isHttpUrl } from './validation';

/** kie puts the account id in the path: kieai/<userId>/<uploadPath>/<fileName> (recorded live traffic). */
const SIM_USER_ID = '100001';

const MIME_BY_EXT: Record<string, string> = {
	'.mp4': 'video/mp4',
	'.mov': 'video/quicktime',
	'.webm': 'video/webm',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.png': 'image/png',
	'.webp': 'image/webp',
	'.gif': 'image/gif',
	'.mp3': 'audio/mpeg',
	'.wav': 'audio/wav',
	'.txt': 'text/plain',
	'.json': 'application/json',
	'.pdf': 'application/pdf',
};
const OCTET = 'application/octet-stream';

function uploadFail(msg: string): ApiResult {
	return { status: 200, body: { success: false, code: 400, msg, data: null } };
}

function extOfMime(mime: string): string {
	return Object.keys(MIME_BY_EXT).find((ext) => MIME_BY_EXT[ext] === mime) ?? '';
}

/** Explicit type if meaningful, else from the name's extension, else octet-stream. */
function pickMime(explicit: string | null | undefined, name: string | null): string {
	const clean = explicit?.split(';')[0].trim().toLowerCase();
	if (clean && clean !== OCTET) return clean;
	const byExt = name ? MIME_BY_EXT[path.extname(name).toLowerCase()] : undefined;
	return byExt ?? clean ?? OCTET;
}

interface Names {
	segments: string[];
	/** fileName as sent, or null for "pick a random one". */
	given: string | null;
}

/** Validate uploadPath / fileName (before any download, for url uploads). */
function checkNames(
	uploadPath: unknown,
	fileName: unknown,
): { names: Names } | { error: ApiResult } {
	if (typeof uploadPath !== 'string' || uploadPath.trim() === '')
		return { error: uploadFail('uploadPath is required') };
	// kie's guide: "no leading or trailing slash".
	if (uploadPath.startsWith('/') || uploadPath.endsWith('/')) {
		return {
			error: uploadFail('uploadPath must not start or end with a slash, e.g. "images/inputs"'),
		};
	}
	const segments = uploadPath.split('/').filter((s) => s !== '');
	if (segments.length === 0 || segments.some((s) => s === '.' || s === '..')) {
		return { error: uploadFail('uploadPath must be a relative path without "." or ".." segments') };
	}
	if (fileName !== undefined && fileName !== null && typeof fileName !== 'string') {
		return { error: uploadFail('fileName must be a string') };
	}
	const given = typeof fileName === 'string' && fileName.trim() !== '' ? fileName.trim() : null;
	if (given && (/[/\\]/.test(given) || given === '.' || given === '..')) {
		return { error: uploadFail('fileName must not contain path separators') };
	}
	return { names: { segments, given } };
}

interface Incoming {
	bytes: Buffer;
	names: Names;
	/** Name the client's data came with (multipart filename, URL basename), for extension/mime. */
	originalName: string | null;
	mimeType: string | null;
}

/** Store the file and answer with the recorded shape (docs/kie-api.md#uploads). */
function store(state: SimState, input: Incoming): ApiResult {
	const { segments, given } = input.names;
	if (input.bytes.length === 0) return uploadFail('file is empty');
	if (input.bytes.length > state.config.maxUploadBytes) {
		return uploadFail(`file is larger than ${state.config.maxUploadBytes} bytes`);
	}
	const mimeType = pickMime(input.mimeType, given ?? input.originalName);
	// docs/kie-api.md#uploads: "random name if absent"; keep a sensible extension.
	const ext = path.extname(input.originalName ?? '') || extOfMime(mimeType);
	const fileName = given ?? `${hexId(16)}${ext}`;
	const filePath = ['kieai', SIM_USER_ID, ...segments, fileName].join('/');
	// docs/kie-api.md#uploads: the same name overwrites the old file.
	state.uploads.set(filePath, { storedAt: Date.now(), bytes: input.bytes, mimeType, fileName });
	const encoded = filePath.split('/').map(encodeURIComponent).join('/');
	return {
		status: 200,
		body: {
			success: true,
			code: 200,
			msg: MSG.uploaded,
			data: {
				success: true,
				fileName,
				filePath,
				downloadUrl: `${state.publicUrl}/files/${encoded}`,
				fileSize: input.bytes.length,
				mimeType,
				uploadedAt: new Date().toISOString(),
			},
		},
	};
}

/** POST /api/file-stream-upload — multipart: file, uploadPath, fileName?. */
export function handleStreamUpload(
	state: SimState,
	headers: IncomingHttpHeaders,
	raw: Buffer,
): ApiResult {
	const boundary = boundaryOf(headers['content-type']);
	if (!boundary) return uploadFail('Content-Type must be multipart/form-data with a boundary');
	const parts = parseMultipart(raw, boundary);
	if (!parts) return uploadFail('malformed multipart/form-data body');
	const field = (name: string): string | undefined =>
		parts.find((p) => p.name === name)?.data.toString('utf8');
	const file =
		parts.find((p) => p.name === 'file' && p.filename !== null) ??
		parts.find((p) => p.name === 'file');
	if (!file) return uploadFail('file is required');
	const checked = checkNames(field('uploadPath'), field('fileName'));
	if ('error' in checked) return checked.error;
	return store(state, {
		bytes: Buffer.from(file.data), // copy: the request buffer may be large
		names: checked.names,
		originalName: file.filename,
		mimeType: file.contentType,
	});
}

/** POST /api/file-url-upload — JSON {fileUrl, uploadPath, fileName?}; 30 s download timeout. */
export async function handleUrlUpload(
	state: SimState,
	body: Record<string, unknown>,
): Promise<ApiResult> {
	const { fileUrl } = body;
	if (typeof fileUrl !== 'string' || fileUrl === '') return uploadFail('fileUrl is required');
	if (!isHttpUrl(fileUrl)) return uploadFail('fileUrl must be an http(s) URL');
	// Check names before downloading anything.
	const checked = checkNames(body.uploadPath, body.fileName);
	if ('error' in checked) return checked.error;
	try {
		const fetched = await fetchRemote(state.scheduler, new URL(fileUrl), {
			timeoutMs: state.config.urlUploadTimeoutMs,
			maxBytes: state.config.maxUploadBytes,
		});
		return store(state, {
			bytes: fetched.bytes,
			names: checked.names,
			originalName: decodeURIComponent(path.posix.basename(fetched.url.pathname)) || null,
			mimeType: fetched.contentType,
		});
	} catch (err) {
		return uploadFail(`failed to download fileUrl: ${(err as Error).message}`);
	}
}

const DATA_URL = /^data:([^;,]*)(?:;[^,]*)?;base64,/i;

/** POST /api/file-base64-upload — JSON {base64Data (plain or data: URL), uploadPath, fileName?, mimeType?}. */
export function handleBase64Upload(state: SimState, body: Record<string, unknown>): ApiResult {
	const { base64Data } = body;
	if (typeof base64Data !== 'string' || base64Data === '')
		return uploadFail('base64Data is required');
	const m = DATA_URL.exec(base64Data);
	const payload = (m ? base64Data.slice(m[0].length) : base64Data).replace(/\s+/g, '');
	if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload))
		return uploadFail('base64Data is not valid base64');
	if (body.mimeType !== undefined && body.mimeType !== null && typeof body.mimeType !== 'string') {
		return uploadFail('mimeType must be a string');
	}
	const checked = checkNames(body.uploadPath, body.fileName);
	if ('error' in checked) return checked.error;
	return store(state, {
		bytes: Buffer.from(payload, 'base64'),
		names: checked.names,
		originalName: null,
		mimeType: (m?.[1] || (body.mimeType as string | undefined)) ?? null,
	});
}
