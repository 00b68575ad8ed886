import { toIsoTime } from '../../../../../nodes/kie/base/time';

describe('toIsoTime (docs/kie-api.md#record-fields, where the kie.ai pages disagree)', () => {
	it('reads epoch milliseconds, epoch seconds and numeric strings', () => {
		expect(toIsoTime(1773967493000)).toBe('2026-03-20T00:44:53.000Z');
		expect(toIsoTime(1773967493)).toBe('2026-03-20T00:44:53.000Z');
		expect(toIsoTime('1773967493000')).toBe('2026-03-20T00:44:53.000Z');
	});
	it('reads the "YYYY-MM-DD hh:mm:ss" form as UTC and keeps explicit zones', () => {
		expect(toIsoTime('2025-06-06 10:30:00')).toBe('2025-06-06T10:30:00.000Z');
		expect(toIsoTime('2025-06-06T10:30:00+08:00')).toBe('2025-06-06T02:30:00.000Z');
	});
	it('returns null for absent or unreadable values', () => {
		expect(toIsoTime(null)).toBeNull();
		expect(toIsoTime('')).toBeNull();
		expect(toIsoTime('soon')).toBeNull();
	});
});
