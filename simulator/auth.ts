/**
 * Bearer auth (docs/kie-api.md#conventions): `Authorization: Bearer <API_KEY>`. A missing or wrong key is answered with
 * HTTP 200 and body code 401 — the recorded behaviour — on the API and the upload host alike.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export function isAuthorized(headers: IncomingHttpHeaders, apiKey: string): boolean {
	const header = headers.authorization;
	if (typeof header !== 'string') return false;
	const match = /^Bearer\s+(.+)$/i.exec(header.trim());
	if (!match) return false;
	const given = Buffer.from(match[1], 'utf8');
	const expected = Buffer.from(apiKey, 'utf8');
	// Constant-time compare, so the simulator does not teach clients a timing side channel.
	return given.length === expected.length && timingSafeEqual(given, expected);
}
