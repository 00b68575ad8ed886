// Installs our built package into an n8n user folder the way n8n finds community packages:
// $N8N_USER_FOLDER/.n8n/nodes/node_modules/<package name>, here as a symlink to the repo.
// Node types then get the real package-name prefix users see: `n8n-nodes-veo3.veo3`
// (docs/n8n-notes.md#community-node and docs/n8n-notes.md#pitfall-type-prefix; N8N_CUSTOM_EXTENSIONS would give `CUSTOM.veo3` instead).
import * as fs from 'fs';
import * as path from 'path';

import { REPO_ROOT } from './paths';

interface PackageJson {
	name: string;
	version: string;
	files?: string[];
	n8n?: { n8nNodesApiVersion?: number; nodes?: string[]; credentials?: string[] };
}

function readPackageJson(dir: string): PackageJson {
	const file = path.join(dir, 'package.json');
	if (!fs.existsSync(file)) throw new Error(`${file} not found`);
	return JSON.parse(fs.readFileSync(file, 'utf8')) as PackageJson;
}

/**
 * Returns why `dir` can't be loaded by n8n, or null when every file listed in its `n8n` section
 * exists. n8n exits at start-up on a single missing or broken node file (docs/n8n-notes.md#pitfall-class-name), so a
 * half-built dist/ must never be linked.
 */
function packageProblem(dir: string = REPO_ROOT): string | null {
	let pkg: PackageJson;
	try {
		pkg = readPackageJson(dir);
	} catch (error) {
		return (error as Error).message;
	}
	if (!/^(@[^/]+\/)?n8n-nodes-/.test(pkg.name))
		return `package name "${pkg.name}" must match n8n-nodes-* for n8n to load it`;
	if (!pkg.n8n) return `${dir}/package.json has no "n8n" section`;
	const files = [...(pkg.n8n.nodes ?? []), ...(pkg.n8n.credentials ?? [])];
	if (files.length === 0) return `${dir}/package.json lists no nodes or credentials`;
	const missing = files.filter((f) => !fs.existsSync(path.join(dir, f)));
	if (missing.length) return `not built: missing ${missing.join(', ')} (run npm run build)`;
	return null;
}

/**
 * How the package gets into the nodes folder:
 *  - 'symlink': node_modules/<name> -> dir. Rebuilds are picked up on restart. Node
 *    resolves `require('n8n-workflow')` from the symlink's *real* path, so the package uses the
 *    repo's dev copy of n8n-workflow (2.41.0), not the running n8n's own copy.
 *  - 'copy' (default): package.json + the `files` entries (dist/) are copied, without node_modules, which
 *    is what n8n's own installer leaves behind (it strips peerDependencies before `npm install`).
 *    `require('n8n-workflow')` then falls through to the NODE_PATH n8n sets at start-up and gets
 *    the instance's own n8n-workflow (1.120.x in v1): the user-faithful choice for version-compat tests.
 */
export type LinkMode = 'symlink' | 'copy';

/** Creates <userFolder>/.n8n/nodes/{package.json,node_modules/<name>}. Returns the package name and version. */
export function linkPackage(
	userFolder: string,
	dir: string,
	mode: LinkMode = 'copy',
): { name: string; version: string } {
	const problem = packageProblem(dir);
	if (problem) throw new Error(`Cannot link ${dir} into n8n: ${problem}`);
	const pkg = readPackageJson(dir);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', ...pkg.name.split('/'));
	fs.mkdirSync(path.dirname(target), { recursive: true });
	fs.rmSync(target, { recursive: true, force: true });
	if (mode === 'symlink') {
		fs.symlinkSync(path.resolve(dir), target, 'dir');
	} else {
		fs.mkdirSync(target);
		fs.copyFileSync(path.join(dir, 'package.json'), path.join(target, 'package.json'));
		for (const entry of pkg.files ?? ['dist']) {
			const from = path.join(dir, entry);
			if (fs.existsSync(from)) fs.cpSync(from, path.join(target, entry), { recursive: true });
		}
	}
	// The manifest n8n keeps in the nodes folder (CommunityPackagesService.buildPackageJsonFromDatabase);
	// the loader scans node_modules and doesn't need it, but the folder stays what n8n would leave.
	const manifestPath = path.join(nodesDir, 'package.json');
	const manifest = fs.existsSync(manifestPath)
		? JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
		: { name: 'installed-nodes', private: true, dependencies: {} };
	manifest.dependencies[pkg.name] = pkg.version;
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	return { name: pkg.name, version: pkg.version };
}

/**
 * The package the e2e tests should link: the repo root when it is built, else null (with the
 * reason on stderr). run.sh sets E2E_SKIP_PACKAGE=1 when `npm run build` failed or nodes/ is empty.
 */
/** The built package for the tests; a missing build fails them loudly rather than skipping them. */
export function ourPackageDirForTests(): string {
	// E2E_PACKAGE_DIR: run the suites against another built checkout (e.g. a branch in a scratch worktree).
	const dir = process.env.E2E_PACKAGE_DIR || REPO_ROOT;
	const reason =
		process.env.E2E_SKIP_PACKAGE === '1'
			? 'run.sh could not build it (E2E_SKIP_PACKAGE=1)'
			: packageProblem(dir);
	if (reason)
		throw new Error(
			`n8n-nodes-veo3 is not built, so it cannot be installed into n8n: ${reason}. Run npm run build.`,
		);
	return dir;
}
