/**
 * Output encodings the docs disagree on, selectable by config.
 */
import type { UrlFormat } from './config';

/**
 * docs/kie-api.md#record-fields, docs/kie-api.md#callback-body, where the kie.ai pages disagree: URL lists appear as arrays (record schema, callback page), as JSON-encoded
 * strings (OpenAPI callback schema, G0 quickstart's JSON.parse) and as a plain single-URL string
 * (an n8n user's report). 'string' therefore carries the first URL only.
 */
export function encodeUrls(urls: string[] | null, format: UrlFormat): string[] | string | null {
	if (urls === null) return null;
	if (format === 'json-string') return JSON.stringify(urls);
	if (format === 'string') return urls[0] ?? '';
	return urls;
}

/**
 * docs/kie-api.md#record-fields, where the kie.ai pages disagree: epoch milliseconds (G3 schema, observed) or "2025-06-06 10:30:00" (G0, G2
 * examples). The string form carries no zone in the docs; the simulator writes UTC.
 */
export function formatTime(ms: number | null, format: 'epoch' | 'string'): number | string | null {
	if (ms === null) return null;
	if (format === 'epoch') return ms;
	return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** JSON with keys sorted, like the observed paramJson/promptJson echoes (docs/kie-api.md#record-fields, docs/kie-api.md#callback-body). */
export function sortedObject(o: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(
		Object.keys(o)
			.sort()
			.filter((k) => o[k] !== undefined && o[k] !== null)
			.map((k) => [k, o[k]]),
	);
}
