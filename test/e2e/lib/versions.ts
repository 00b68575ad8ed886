import * as fs from 'fs';

import { n8nBin, type N8nVersion } from './paths';

/**
 * Which n8n versions a run covers: E2E_VERSIONS="v1,v2" (default both; run.sh sets it from its
 * argument). A selected version that isn't installed is an error, not a silent skip.
 */
export function selectedVersions(): N8nVersion[] {
	const raw = (process.env.E2E_VERSIONS ?? 'v1,v2')
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
	const versions = raw.map((v) => {
		if (v !== 'v1' && v !== 'v2')
			throw new Error(`E2E_VERSIONS: unknown version "${v}" (use v1, v2)`);
		return v as N8nVersion;
	});
	for (const v of versions) {
		if (!fs.existsSync(n8nBin(v)))
			throw new Error(`n8n ${v} is not installed: run test/e2e/install.sh ${v}`);
	}
	return versions;
}
