/**
 * `GET /files/...`: task results (`/files/v/<taskId>_<i>[_variant].mp4|jpg`), synthetic large
 * streams (`/files/large/<bytes>.mp4`), uploaded files (`/files/kieai/...`) and 20-minute download
 * links (`/files/dl/<token>/<name>`, docs/kie-api.md#download-url). No auth — like kie's file hosts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
	bufferSource,
	largeMp4Source,
	MIN_LARGE_BYTES,
	sampleThumbnail,
	sampleVideo,
	serveSource,
	type ByteSource,
} from './media';
import { isSuccessful } from './outcomes';
import type { SimState } from './state';
import { chainLength, isExpired, RESULTS_PER_TASK } from './tasks';
import type { Task } from './types';
import { hd1080Ready } from './upgrades';
import { DOWNLOAD_RE, LARGE_FILE_RE, TASK_FILE_RE, UPLOAD_FILE_PREFIX, type Variant } from './urls';

interface ResolvedFile {
	source: ByteSource;
	contentType: string;
}

/** Largest synthetic stream accepted (1 TiB) — generated lazily, so only the number matters. */
const MAX_LARGE_BYTES = 2 ** 40;

function variantAvailable(state: SimState, task: Task, index: number, variant: Variant): boolean {
	switch (variant) {
		case 'result':
			return true;
		case 'origin':
			return task.aspectRatio === '9:16';
		case 'full':
			return task.kind === 'extend';
		case '1080p': {
			const job = task.hd1080.get(index);
			return job !== undefined && hd1080Ready(state, job);
		}
		case '4k': {
			const job = task.fourK.get(index);
			return job !== undefined && job.done && !job.failed;
		}
	}
}

function resolveTaskFile(state: SimState, m: RegExpExecArray): ResolvedFile | null {
	const task = state.tasks.get(m[1]);
	const index = Number(m[2]);
	const variant = (m[3] ?? 'result') as Variant;
	// docs/kie-api.md#retention: generated media is kept 14 days, same as records.
	if (!task || !isSuccessful(task.outcome) || isExpired(state, task) || index >= RESULTS_PER_TASK)
		return null;
	if (!variantAvailable(state, task, index, variant)) return null;
	if (m[4] === 'jpg') return { source: bufferSource(sampleThumbnail()), contentType: 'image/jpeg' };
	if (task.largeBytes !== null)
		return { source: largeMp4Source(task.largeBytes), contentType: 'video/mp4' };
	// The "origin" of a 9:16 video is the pre-reframing 16:9 original (history, docs/kie-api.md#aspect-ratio, G1).
	const portrait = task.aspectRatio === '9:16' && variant !== 'origin';
	const sample = sampleVideo(portrait);
	// The stitched video of an extend grows with its chain: one sample per clip, so a test can
	// tell the whole story's file from the last pair's.
	const clips = variant === 'full' ? chainLength(state, task) : 1;
	const bytes = clips === 1 ? sample : Buffer.concat(Array.from({ length: clips }, () => sample));
	return { source: bufferSource(bytes), contentType: 'video/mp4' };
}

/** Map a path under /files to what it serves, or null (→ 404). */
export function resolveFile(state: SimState, pathname: string): ResolvedFile | null {
	const taskFile = TASK_FILE_RE.exec(pathname);
	if (taskFile) return resolveTaskFile(state, taskFile);

	const large = LARGE_FILE_RE.exec(pathname);
	if (large) {
		const size = Number(large[1]);
		if (!Number.isSafeInteger(size) || size < MIN_LARGE_BYTES || size > MAX_LARGE_BYTES)
			return null;
		return { source: largeMp4Source(size), contentType: 'video/mp4' };
	}

	const dl = DOWNLOAD_RE.exec(pathname);
	if (dl) {
		const link = state.downloads.get(dl[1]);
		if (!link) return null;
		if (Date.now() > link.expiresAt) {
			state.downloads.delete(dl[1]); // docs/kie-api.md#download-url: valid 20 minutes
			return null;
		}
		return resolveFile(state, link.target);
	}

	if (pathname.startsWith(UPLOAD_FILE_PREFIX)) {
		const key = decodePath(pathname.slice('/files/'.length));
		const upload = key === null ? undefined : state.uploads.get(key);
		if (!upload) return null;
		// kie deletes uploaded files 24 h after the upload (config uploadTtlMs).
		if (Date.now() - upload.storedAt >= state.config.uploadTtlMs) {
			state.uploads.delete(key as string);
			return null;
		}
		return { source: bufferSource(upload.bytes), contentType: upload.mimeType };
	}
	return null;
}

function decodePath(p: string): string | null {
	try {
		return p.split('/').map(decodeURIComponent).join('/');
	} catch {
		return null;
	}
}

export async function handleFile(
	state: SimState,
	req: IncomingMessage,
	res: ServerResponse,
	pathname: string,
): Promise<number> {
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
		res.end('Method Not Allowed');
		return 405;
	}
	const file = resolveFile(state, pathname);
	if (!file) {
		res.writeHead(404, { 'content-type': 'text/plain' });
		res.end('Not Found');
		return 404;
	}
	await serveSource(
		req,
		res,
		file.source,
		file.contentType,
		(n) => (state.counters.fileBytesServed += n),
	);
	return res.statusCode;
}
