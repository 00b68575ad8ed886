// One n8n per selected major, started once for the whole e2e run (jest globalSetup) and used by
// every test file whose instance needs nothing special: useVeo3Instance without `env` attaches to
// it instead of starting its own, which saves one n8n start (migrations, owner setup, ~20-60 s on
// the 2-core machine) per file and version. Files that need other settings, restarts, probes or
// queue mode keep their own instances. E2E_SHARED_N8N=0 turns sharing off.
//
// The test files run in other module registries (and with workers, other processes): what they
// need of an instance is written to a file (0600, removed at teardown) named by
// E2E_SHARED_N8N_FILE: the instance's plain data (attachN8n), the owner's API key and session
// cookies, so no file logs in again (2.x allows 5 logins per minute per email).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { CookieSession } from './http';
import { attachN8n, n8nInfo, startN8n, type N8nHandle, type N8nInfo } from './n8n';
import { N8nApi } from './api';
import { E2E_OWNER, ownerSession } from './owner';
import { ourPackageDirForTests } from './package-link';
import type { N8nVersion } from './paths';
import { selectedVersions } from './versions';

/** The files that use the shared instances (useVeo3Instance without env); the others need none. */
export const SHARED_INSTANCE_FILES = [
	'composition.e2e.test.ts',
	'engine-internals.e2e.test.ts',
	'kie-apis.e2e.test.ts',
	'spend.e2e.test.ts',
	'browser-veo3.e2e.test.ts',
	'scenes.e2e.test.ts',
];

interface SharedEntry {
	info: N8nInfo;
	apiKey: string;
	cookies: Array<[string, string]>;
}

type SharedFile = Partial<Record<N8nVersion, SharedEntry>>;

const STATE = Symbol.for('n8n-nodes-veo3.e2e.shared-n8n');
type State = { handles: N8nHandle[]; dir: string };

/** Whether the run may reach a file that uses a shared instance (jest's path pattern, if any). */
function runNeedsShared(testPathPattern: string | undefined): boolean {
	if (!testPathPattern) return true;
	const pattern = new RegExp(testPathPattern, 'i');
	return SHARED_INSTANCE_FILES.some((file) => pattern.test(path.join(__dirname, '..', file)));
}

/** jest globalSetup (test/e2e/jest.e2e.config.js). */
export async function startSharedInstances(globalConfig: {
	testPathPattern?: string;
}): Promise<void> {
	if (process.env.E2E_SHARED_N8N === '0' || !runNeedsShared(globalConfig.testPathPattern)) return;
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-shared-'));
	const state: State = { handles: [], dir };
	(globalThis as Record<symbol, unknown>)[STATE] = state;
	const shared: SharedFile = {};
	// One after the other, like the files' own starts: a first boot runs ~200 migrations.
	for (const version of selectedVersions()) {
		const n8n = await startN8n({
			version,
			packageDir: ourPackageDirForTests(),
			name: `n8n-${version}-shared`,
		});
		state.handles.push(n8n);
		console.log(
			`[e2e] ${n8n.name} (shared by ${SHARED_INSTANCE_FILES.length} files) ready in ${n8n.startupMs} ms`,
		);
		const { session, apiKey } = await ownerSession(n8n);
		shared[version] = { info: n8nInfo(n8n), apiKey, cookies: session.exportCookies() };
	}
	const file = path.join(dir, 'shared.json');
	fs.writeFileSync(file, JSON.stringify(shared), { mode: 0o600 });
	process.env.E2E_SHARED_N8N_FILE = file;
}

/** jest globalTeardown. */
export async function stopSharedInstances(): Promise<void> {
	const state = (globalThis as Record<symbol, unknown>)[STATE] as State | undefined;
	if (!state) return;
	for (const n8n of state.handles) await n8n.stop();
	fs.rmSync(state.dir, { recursive: true, force: true });
	delete process.env.E2E_SHARED_N8N_FILE;
}

/** In a test file: the shared instance of `version`, if the run started one. */
export function sharedInstance(version: N8nVersion): { n8n: N8nHandle; api: N8nApi } | undefined {
	const file = process.env.E2E_SHARED_N8N_FILE;
	if (!file || !fs.existsSync(file)) return undefined;
	const entry = (JSON.parse(fs.readFileSync(file, 'utf8')) as SharedFile)[version];
	if (!entry) return undefined;
	const n8n = attachN8n(entry.info);
	const session = CookieSession.fromCookies(n8n.baseUrl, entry.cookies);
	const api = new N8nApi(n8n, session, entry.apiKey, {
		email: E2E_OWNER.email,
		password: E2E_OWNER.password,
	});
	return { n8n, api };
}
