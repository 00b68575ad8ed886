/**
 * The public surface of the package as n8n and a user see it: each node's and the credential's
 * description (names, parameters, defaults, options, texts), with functions left out. A change
 * to it is a change users see; test/release/public-surface.test.ts compares it with the
 * committed copy in fixtures/public-surface.json, and `npx tsx test/release/publicSurface.ts
 * --write` records a deliberate change.
 */
import * as fs from 'fs';
import * as path from 'path';

import { Veo3Api } from '../../credentials/Veo3Api.credentials';
import { Veo3 } from '../../nodes/Veo3/Veo3.node';
import { Veo3Trigger } from '../../nodes/Veo3Trigger/Veo3Trigger.node';

export const SURFACE_FILE = path.join(__dirname, 'fixtures', 'public-surface.json');

/** JSON of a value with functions dropped and keys in a stable order. */
function plain(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(plain);
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const key of Object.keys(value).sort()) {
			const field = (value as Record<string, unknown>)[key];
			if (typeof field !== 'function') out[key] = plain(field);
		}
		return out;
	}
	return value;
}

export function publicSurface(): unknown {
	const credential = new Veo3Api();
	return plain({
		credential: {
			name: credential.name,
			displayName: credential.displayName,
			documentationUrl: credential.documentationUrl,
			properties: credential.properties,
			authenticate: credential.authenticate,
			test: credential.test,
		},
		node: new Veo3().description,
		trigger: new Veo3Trigger().description,
	});
}

if (require.main === module && process.argv.includes('--write')) {
	fs.mkdirSync(path.dirname(SURFACE_FILE), { recursive: true });
	fs.writeFileSync(SURFACE_FILE, JSON.stringify(publicSurface(), null, '\t') + '\n');
	console.log(`wrote ${path.relative(process.cwd(), SURFACE_FILE)}`);
}
