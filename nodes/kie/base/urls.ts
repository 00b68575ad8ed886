/**
 * kie documents result URL lists in three forms (docs/kie-api.md#callback-body, where the kie.ai pages disagree): a JSON array, a JSON
 * string holding an array, and a plain string, sometimes in brackets without quotes
 * ('[http://example.com/video1.mp4]'). Accept all of them.
 */
export function parseUrlList(value: unknown): string[] {
	if (value === null || value === undefined) return [];
	if (Array.isArray(value)) {
		return value.flatMap((entry) => parseUrlList(entry));
	}
	if (typeof value !== 'string') return [];
	const text = value.trim();
	if (text === '' || text === 'null') return [];
	if (text.startsWith('[')) {
		try {
			return parseUrlList(JSON.parse(text));
		} catch {
			// Brackets without JSON quoting, as in the OpenAPI example.
			return splitUrls(text.slice(1, text.endsWith(']') ? -1 : undefined));
		}
	}
	return splitUrls(text);
}

function splitUrls(text: string): string[] {
	return text
		.split(/[\s,]+/)
		.map((part) => part.trim().replace(/^["']|["']$/g, ''))
		.filter((part) => part.length > 0);
}

/** Joins a base URL and a path without doubling or dropping the slash between them. */
export function joinUrl(base: string, path: string): string {
	return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** The host of a base URL, for messages ("Cannot reach api.kie.ai"). */
export function hostOf(base: string): string {
	try {
		return new URL(base).host;
	} catch {
		return base;
	}
}
