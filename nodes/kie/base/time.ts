/**
 * kie sends times as "2025-06-06 10:30:00" strings (older docs) or as epoch milliseconds (newer
 * docs and real traffic), docs/kie-api.md#record-fields, where the kie.ai pages disagree. Returns an ISO string, or null when absent.
 * Strings without a zone are read as UTC, since kie does not document one.
 */
export function toIsoTime(value: unknown): string | null {
	if (value === null || value === undefined || value === '') return null;
	if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value.trim()))) {
		const n = Number(value);
		if (!Number.isFinite(n) || n <= 0) return null;
		// Seconds and milliseconds are told apart by size: 1e12 ms is 2001, 1e12 s is year 33658.
		return new Date(n < 1e12 ? n * 1000 : n).toISOString();
	}
	if (typeof value !== 'string') return null;
	const text = value.trim();
	const hasZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(text);
	const date = new Date(hasZone ? text : `${text.replace(' ', 'T')}Z`);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
