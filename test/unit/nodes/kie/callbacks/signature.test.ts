import { computeSignature, verifySignature } from '../../../../../nodes/kie/callbacks/signature';

// Expected values computed independently with:
//   printf '%s' "<taskId>.<timestamp>" | openssl dgst -sha256 -hmac "<key>" -binary | base64
const VECTORS = [
	{
		key: 'test-key',
		taskId: 'ee9c2715375b7837f8bb51d641ff5863',
		timestamp: '1769670760',
		signature: 'kaRdMyPIATX8gQVYxP8Mn46UnMuqft8BZvnk1FLpda4=',
	},
	{
		key: 'ünïcode-κey',
		taskId: 'c2ac913cc2618ee809dd315065c48c5a',
		timestamp: '1700000000',
		signature: 'BCqe7vaUk54dUpfHNucPV8J8qWZjjWozTIub84ZraXQ=',
	},
];

describe('kie webhook signature (docs/kie-api.md#callback-signature)', () => {
	it.each(VECTORS)(
		'matches the openssl vector for key $key',
		({ key, taskId, timestamp, signature }) => {
			expect(computeSignature(key, taskId, timestamp)).toBe(signature);
		},
	);

	const base = {
		hmacKey: 'test-key',
		taskId: 'ee9c2715375b7837f8bb51d641ff5863',
		timestampHeader: '1769670760',
		signatureHeader: 'kaRdMyPIATX8gQVYxP8Mn46UnMuqft8BZvnk1FLpda4=',
		toleranceSeconds: 300,
		nowMs: 1769670760 * 1000 + 10_000,
	};

	it('accepts a correct, fresh signature', () => {
		expect(verifySignature(base)).toEqual({ valid: true });
	});

	it('refuses a missing header', () => {
		expect(verifySignature({ ...base, signatureHeader: undefined })).toEqual({
			valid: false,
			reason: 'missing-headers',
		});
		expect(verifySignature({ ...base, timestampHeader: '' })).toEqual({
			valid: false,
			reason: 'missing-headers',
		});
	});

	it('refuses a signature made for another task', () => {
		expect(verifySignature({ ...base, taskId: 'c2ac913cc2618ee809dd315065c48c5a' })).toEqual({
			valid: false,
			reason: 'mismatch',
		});
	});

	it('refuses a signature made with another key', () => {
		expect(verifySignature({ ...base, hmacKey: 'other-key' })).toEqual({
			valid: false,
			reason: 'mismatch',
		});
	});

	it('refuses a truncated or re-encoded signature without throwing', () => {
		expect(
			verifySignature({ ...base, signatureHeader: base.signatureHeader.slice(0, 20) }),
		).toEqual({ valid: false, reason: 'mismatch' });
		const hex = Buffer.from(base.signatureHeader, 'base64').toString('hex');
		expect(verifySignature({ ...base, signatureHeader: hex })).toEqual({
			valid: false,
			reason: 'mismatch',
		});
	});

	it('refuses stale and future timestamps outside the tolerance, accepts inside', () => {
		const sentMs = 1769670760 * 1000;
		expect(verifySignature({ ...base, nowMs: sentMs + 301_000 }).valid).toBe(false);
		expect(verifySignature({ ...base, nowMs: sentMs - 301_000 })).toEqual({
			valid: false,
			reason: 'stale',
		});
		expect(verifySignature({ ...base, nowMs: sentMs + 299_000 }).valid).toBe(true);
	});

	it('refuses a day-old signature when the tolerance is not a number (NaN from "5m" must not switch the check off)', () => {
		const sentMs = 1769670760 * 1000;
		expect(
			verifySignature({ ...base, toleranceSeconds: Number('5m'), nowMs: sentMs + 86_400_000 }),
		).toEqual({ valid: false, reason: 'stale' });
	});

	it('refuses a timestamp that is not a Unix time', () => {
		expect(verifySignature({ ...base, timestampHeader: '2026-01-01T00:00:00Z' })).toEqual({
			valid: false,
			reason: 'bad-timestamp',
		});
	});

	it('uses the first value when a header is repeated', () => {
		expect(verifySignature({ ...base, signatureHeader: [base.signatureHeader, 'x'] }).valid).toBe(
			true,
		);
	});

	it('refuses a callback without a task id', () => {
		expect(verifySignature({ ...base, taskId: undefined })).toEqual({
			valid: false,
			reason: 'missing-task-id',
		});
	});
});
