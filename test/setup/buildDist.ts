/**
 * Jest globalSetup: builds dist/ (npm run build) before any test runs when it is missing or older
 * than the sources it is built from, so the release checks of the compiled package always run on
 * the current code instead of being skipped. It runs once, before the test workers start, so no
 * suite can see dist/ half rebuilt. Runs that cannot reach the release suite (for example
 * `npm run test:unit`) skip it.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const SUITE_NEEDING_DIST = 'test/release/release.test.ts';
const SOURCES = ['nodes', 'credentials', 'icons', 'package.json', 'tsconfig.json', 'gulpfile.js'];

function newestMtime(entry: string): number {
	const stat = fs.statSync(entry);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return fs
		.readdirSync(entry)
		.reduce((newest, name) => Math.max(newest, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

/** Why dist/ must be (re)built, or null when it is current. */
export function distStaleness(root = ROOT): string | null {
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const outputs = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])].map((p: string) =>
		path.join(root, p),
	);
	const missing = outputs.filter((p) => !fs.existsSync(p));
	if (missing.length) return `missing: ${missing.map((p) => path.relative(root, p)).join(', ')}`;
	const built = Math.min(...outputs.map((p) => fs.statSync(p).mtimeMs));
	const changed = SOURCES.map((s) => path.join(root, s)).filter(
		(s) => fs.existsSync(s) && newestMtime(s) > built,
	);
	return changed.length
		? `older than ${changed.map((s) => path.relative(root, s)).join(', ')}`
		: null;
}

export default async function buildDist(globalConfig: { testPathPattern?: string }): Promise<void> {
	const pattern = globalConfig.testPathPattern ?? '';
	if (pattern && !new RegExp(pattern, 'i').test(path.join(ROOT, SUITE_NEEDING_DIST))) return;
	const reason = distStaleness();
	if (!reason) return;
	process.stdout.write(`\nBuilding dist/ for the release checks (${reason})…\n`);
	try {
		execFileSync('npm', ['run', 'build'], {
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'pipe'],
			encoding: 'utf8',
		});
	} catch (error) {
		const e = error as { stdout?: string; stderr?: string };
		throw new Error(
			`npm run build failed, so the release checks cannot run:\n${e.stdout ?? ''}${e.stderr ?? ''}`,
		);
	}
}
