/**
 * Request body reading with a size cap. An oversized body is drained (not buffered) so the client
 * still gets a proper answer instead of a reset.
 */
import type { IncomingMessage } from 'node:http';

type BodyResult = { ok: true; raw: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) tooLarge = true;
			if (!tooLarge) chunks.push(chunk);
		});
		req.on('end', () =>
			resolve(
				tooLarge ? { ok: false, reason: 'too-large' } : { ok: true, raw: Buffer.concat(chunks) },
			),
		);
		req.on('error', () => resolve({ ok: false, reason: 'aborted' }));
		req.on('close', () => {
			if (!req.complete) resolve({ ok: false, reason: 'aborted' });
		});
	});
}
