// First-run setup of a fresh instance: owner account, login, and an API key with every scope.
import { N8nApi } from './api';
import { CookieSession } from './http';
import type { N8nHandle } from './n8n';

/** Test-only owner of every e2e instance (also used by the browser tests to sign in). */
export const E2E_OWNER = {
	email: 'owner@e2e.n8n-nodes-veo3.test',
	firstName: 'E2E',
	lastName: 'Owner',
	// n8n requires 8+ chars with a number and an uppercase letter.
	password: 'E2e-Owner-Passw0rd',
};

export async function setupOwner(n8n: N8nHandle): Promise<N8nApi> {
	const { session, apiKey } = await ownerSession(n8n);
	return new N8nApi(n8n, session, apiKey, { email: E2E_OWNER.email, password: E2E_OWNER.password });
}

/** The owner's logged-in session and a fresh API key: what setupOwner's N8nApi is made of. */
export async function ownerSession(
	n8n: N8nHandle,
): Promise<{ session: CookieSession; apiKey: string }> {
	const owner = E2E_OWNER;
	const session = new CookieSession(n8n.baseUrl);
	// Works once, on an empty instance; also sets the auth cookie.
	await session.rest('POST', '/owner/setup', {
		email: owner.email,
		firstName: owner.firstName,
		lastName: owner.lastName,
		password: owner.password,
	});
	// Log in explicitly as well, so the session is the same as a returning user's (1.123 and 2.x accept this body).
	await session.rest('POST', '/login', {
		emailOrLdapLoginId: owner.email,
		password: owner.password,
	});

	// The scopes array is required; ask the instance which scopes the owner may grant (docs/n8n-notes.md#rest-api).
	const scopes = await session.rest<string[]>('GET', '/api-keys/scopes');
	const key = await session.rest<{ rawApiKey: string }>('POST', '/api-keys', {
		label: `e2e-${Date.now()}`,
		expiresAt: null,
		scopes,
	});
	if (!key.rawApiKey) throw new Error('POST /rest/api-keys returned no rawApiKey');
	return { session, apiKey: key.rawApiKey };
}
