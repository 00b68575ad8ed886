/**
 * Bytes the simulator serves: the committed MP4/JPEG fixtures, and synthetic MP4 streams of any
 * size that are generated chunk by chunk (never allocated whole) with backpressure. One serving
 * function handles HEAD, Range and Content-Length for both.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

/** Something with a size that can produce any byte range as a sequence of chunks. */
export interface ByteSource {
	size: number;
	/** Chunks covering [start, end] inclusive. */
	chunks(start: number, end: number): Iterable<Buffer>;
}

const FIXTURES = path.join(__dirname, 'fixtures');
const cache = new Map<string, Buffer>();

function fixture(name: string): Buffer {
	let buf = cache.get(name);
	if (!buf) {
		buf = readFileSync(path.join(FIXTURES, name));
		cache.set(name, buf);
	}
	return buf;
}

/** Real 2-second H.264/AAC clips, chosen by the task's aspect ratio. */
export function sampleVideo(portrait: boolean): Buffer {
	return fixture(portrait ? 'sample-9x16.mp4' : 'sample-16x9.mp4');
}

export function sampleThumbnail(): Buffer {
	return fixture('sample-thumb.jpg');
}

export function bufferSource(buf: Buffer): ByteSource {
	return { size: buf.length, chunks: (start, end) => [buf.subarray(start, end + 1)] };
}

/** ftyp box as written by ffmpeg (isom, minor 0x200, compatible isom/iso2/avc1/mp41): 32 bytes. */
const FTYP = Buffer.concat([
	Buffer.from([0, 0, 0, 32]),
	Buffer.from('ftypisom', 'latin1'),
	Buffer.from([0, 0, 2, 0]),
	Buffer.from('isomiso2avc1mp41', 'latin1'),
]);
const PATTERN_SIZE = 64 * 1024;
/** Shared, never mutated, so chunks can be views into it (no allocation per chunk). */
const PATTERN = Buffer.alloc(PATTERN_SIZE, 0);
for (let i = 0; i < PATTERN_SIZE; i++) PATTERN[i] = (i * 31 + 7) & 0xff;

/** Smallest synthetic file: ftyp + an 8-byte mdat header. */
export const MIN_LARGE_BYTES = FTYP.length + 8;

/** An `mdat` header covering the rest of the file (64-bit largesize when it does not fit 32 bits). */
function mdatHeader(total: number): Buffer {
	const rest = total - FTYP.length;
	if (rest <= 0xffffffff) {
		const h = Buffer.alloc(8);
		h.writeUInt32BE(rest, 0);
		h.write('mdat', 4, 'latin1');
		return h;
	}
	const h = Buffer.alloc(16);
	h.writeUInt32BE(1, 0);
	h.write('mdat', 4, 'latin1');
	h.writeBigUInt64BE(BigInt(rest), 8);
	return h;
}

/**
 * A syntactically valid box sequence (ftyp, then one mdat filled with a fixed pattern) of exactly
 * `size` bytes. Byte content depends only on the offset, so any Range can be produced directly.
 */
export function largeMp4Source(size: number): ByteSource {
	const header = Buffer.concat([FTYP, mdatHeader(size)]);
	return {
		size,
		*chunks(start, end) {
			let pos = start;
			if (pos < header.length) {
				const stop = Math.min(end + 1, header.length);
				yield header.subarray(pos, stop);
				pos = stop;
			}
			while (pos <= end) {
				const offset = (pos - header.length) % PATTERN_SIZE;
				const len = Math.min(PATTERN_SIZE - offset, end + 1 - pos);
				yield PATTERN.subarray(offset, offset + len);
				pos += len;
			}
		},
	};
}

/** Single-range parse of `bytes=a-b`, `bytes=a-`, `bytes=-n`. null = ignore header; 'invalid' = 416. */
function parseRange(
	header: string | undefined,
	size: number,
): { start: number; end: number } | null | 'invalid' {
	if (!header) return null;
	const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!m || (m[1] === '' && m[2] === '')) return null; // multi-range or odd syntax: serve the whole file
	let start: number;
	let end: number;
	if (m[1] === '') {
		start = Math.max(0, size - Number(m[2]));
		end = size - 1;
	} else {
		start = Number(m[1]);
		end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
	}
	if (start > end || start >= size) return 'invalid';
	return { start, end };
}

function waitDrainOrClose(res: ServerResponse): Promise<void> {
	return new Promise((resolve) => {
		const done = (): void => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

/** Serve a source with Content-Type/Length, Accept-Ranges, Range (206/416), HEAD and backpressure. */
export async function serveSource(
	req: IncomingMessage,
	res: ServerResponse,
	source: ByteSource,
	contentType: string,
	/** Told how many bytes were handed to the socket — lets tests see that backpressure is honoured. */
	onBytes: (n: number) => void = () => undefined,
): Promise<void> {
	const range = parseRange(req.headers.range, source.size);
	if (range === 'invalid') {
		res.writeHead(416, { 'content-range': `bytes */${source.size}`, 'accept-ranges': 'bytes' });
		res.end();
		return;
	}
	const start = range?.start ?? 0;
	const end = range?.end ?? source.size - 1;
	const headers: Record<string, string | number> = {
		'content-type': contentType,
		'content-length': Math.max(0, end - start + 1),
		'accept-ranges': 'bytes',
	};
	if (range) headers['content-range'] = `bytes ${start}-${end}/${source.size}`;
	res.writeHead(range ? 206 : 200, headers);
	if (req.method === 'HEAD' || source.size === 0) {
		res.end();
		return;
	}
	for (const chunk of source.chunks(start, end)) {
		if (res.destroyed) return;
		onBytes(chunk.length);
		if (!res.write(chunk)) await waitDrainOrClose(res);
	}
	if (!res.destroyed) res.end();
}
