// Where things live. Everything is derived from this file's location so the harness works from
// any cwd (jest, tsx, a scenario script).
import * as path from 'path';

export type N8nVersion = 'v1' | 'v2';

export const E2E_DIR = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(E2E_DIR, '..', '..');
const ARTIFACTS_DIR = path.join(E2E_DIR, 'artifacts');
export const SCREENSHOTS_DIR = path.join(ARTIFACTS_DIR, 'screenshots');
export const LOGS_DIR = path.join(ARTIFACTS_DIR, 'logs');

/** test/e2e/n8n-v1 or test/e2e/n8n-v2: the npm project holding that n8n (see install.sh). */
export function installDir(version: N8nVersion): string {
	return path.join(E2E_DIR, version === 'v1' ? 'n8n-v1' : 'n8n-v2');
}

/** The n8n CLI entry (bin/n8n is a `#!/usr/bin/env node` script, run with the node below). */
export function n8nBin(version: N8nVersion): string {
	return path.join(installDir(version), 'node_modules', 'n8n', 'bin', 'n8n');
}

/**
 * Directory to put first on PATH so `node` is the right one: v2 runs on Node 24 from the npm
 * package `node` (docs/n8n-notes.md#node-24), v1 on the machine's Node 20 (null = leave PATH alone).
 * n8n spawns its JS task runner with process.execPath, but other children (and bin/n8n's
 * shebang) look `node` up on PATH, hence both.
 */
export function nodeBinDir(version: N8nVersion): string | null {
	return version === 'v2' ? path.join(installDir('v2'), 'node_modules', 'node', 'bin') : null;
}
