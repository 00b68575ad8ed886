// Release readiness: what n8n's verification, npm and a user installing the package look
// at, checked from the files themselves. The GitHub workflows cannot run here, so their structure
// is checked after parsing them with a YAML parser; package.json against the rules of
// @n8n/eslint-plugin-community-nodes and n8n's verification guidelines; the codex and credential
// documentation links against the README's real headings; CHANGELOG.md against Keep a Changelog.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { parseDocument } from 'yaml';

import { distStaleness } from '../setup/buildDist';

const ROOT = path.resolve(__dirname, '..', '..');
const rel = (...p: string[]) => path.join(ROOT, ...p);
const read = (...p: string[]) => fs.readFileSync(rel(...p), 'utf8');

type Json = Record<string, any>;

const pkg = JSON.parse(read('package.json')) as Json;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Parses YAML strictly: any error or warning (duplicate key, bad indentation, tab) fails. */
function loadYaml(file: string): Json {
	const doc = parseDocument(fs.readFileSync(file, 'utf8'), {
		prettyErrors: true,
		uniqueKeys: true,
	});
	const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
	if (problems.length) throw new Error(`${path.relative(ROOT, file)}: ${problems.join('; ')}`);
	const value = doc.toJS() as unknown;
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw new Error(`${path.relative(ROOT, file)}: top level is not a mapping`);
	}
	return value as Json;
}

/**
 * loadYaml for describe() bodies: a broken file must fail its tests, not abort the whole suite
 * while jest collects it. The "is valid YAML" test reports the parse error itself.
 */
function loadYamlOrEmpty(file: string): Json {
	try {
		return loadYaml(file);
	} catch {
		return { on: {}, jobs: {}, updates: [] };
	}
}

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Json;
	env?: Json;
}

interface Job {
	'runs-on': unknown;
	permissions?: Json | string;
	strategy?: { matrix?: Json };
	steps: Step[];
}

const SEMVER =
	/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;

/** Semver precedence (build metadata ignored); enough for ordering CHANGELOG sections. */
function compareSemver(a: string, b: string): number {
	const pa = SEMVER.exec(a);
	const pb = SEMVER.exec(b);
	if (!pa || !pb) throw new Error(`not semver: ${pa ? b : a}`);
	for (let i = 1; i <= 3; i++) {
		const d = Number(pa[i]) - Number(pb[i]);
		if (d !== 0) return d;
	}
	const [preA, preB] = [pa[4], pb[4]];
	if (preA === preB) return 0;
	if (preA === undefined) return 1;
	if (preB === undefined) return -1;
	const xa = preA.split('.');
	const xb = preB.split('.');
	for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
		if (xa[i] === undefined) return -1;
		if (xb[i] === undefined) return 1;
		const na = /^\d+$/.test(xa[i]);
		const nb = /^\d+$/.test(xb[i]);
		if (na && nb && Number(xa[i]) !== Number(xb[i])) return Number(xa[i]) - Number(xb[i]);
		if (na !== nb) return na ? -1 : 1;
		if (xa[i] !== xb[i]) return xa[i] < xb[i] ? -1 : 1;
	}
	return 0;
}

/**
 * GitHub Actions filter pattern → RegExp, for the subset used in tag filters: `*` (any characters
 * but `/`), `**` (any characters) and literals. Anything else is refused so that the test never
 * silently misreads a pattern.
 */
function githubGlob(pattern: string): RegExp {
	if (/[?+[\]!]/.test(pattern))
		throw new Error(`unsupported filter pattern in this test: ${pattern}`);
	let re = '';
	for (let i = 0; i < pattern.length; i++) {
		if (pattern[i] === '*' && pattern[i + 1] === '*') {
			re += '.*';
			i++;
		} else if (pattern[i] === '*') {
			re += '[^/]*';
		} else {
			re += pattern[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		}
	}
	return new RegExp(`^${re}$`);
}

/** Every shell command line of every `run:` step, in order, trimmed, with comments dropped. */
function commands(steps: Step[]): string[] {
	return steps
		.flatMap((s) => (typeof s.run === 'string' ? s.run.split('\n') : []))
		.map((l) => l.trim())
		.filter((l) => l && !l.startsWith('#'));
}

/** Index of the first step whose `run` contains a command matching `re`, or -1. */
function stepIndex(steps: Step[], re: RegExp): number {
	return steps.findIndex((s) => typeof s.run === 'string' && commands([s]).some((c) => re.test(c)));
}

/** Node versions a job runs on, with `${{ matrix.x }}` resolved from the job's matrix. */
function nodeVersionsOf(job: Job): string[] {
	const setup = job.steps.filter(
		(s) => typeof s.uses === 'string' && s.uses.startsWith('actions/setup-node@'),
	);
	return setup.flatMap((s) => {
		const v = s.with?.['node-version'];
		if (v === undefined) return [];
		const m = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec(String(v));
		if (!m) return [String(v)];
		const values = job.strategy?.matrix?.[m[1]];
		return Array.isArray(values) ? values.map(String) : [];
	});
}

/** The major of a setup-node version spec ('20', '20.x', '22.14.0'); NaN for aliases like lts/*. */
const majorOf = (spec: string) =>
	/^v?(\d+)(\.|$)/.test(spec) ? Number(/^v?(\d+)/.exec(spec)![1]) : NaN;

/** Effective permissions of a job: its own block replaces the workflow's entirely. */
function permissionsOf(workflow: Json, job: Job): Json | string | undefined {
	return job.permissions !== undefined ? job.permissions : workflow.permissions;
}

/**
 * The anchors GitHub gives a Markdown file's headings (github-slugger): the heading's rendered
 * text, lower-cased, with everything but letters, marks, digits, connector punctuation, spaces
 * and hyphens removed, spaces turned into hyphens, and `-1`, `-2`… appended to repeats.
 */
function githubSlug(headingText: string): string {
	return headingText
		.toLowerCase()
		.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
		.replace(/ /g, '-');
}

/** Markdown inline syntax → the text GitHub renders (what the slug is computed from). */
function renderInline(md: string): string {
	return md
		.replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
		.replace(/<[^>]+>/g, '')
		.replace(/`([^`]*)`/g, '$1')
		.replace(/(\*\*|__)(.+?)\1/g, '$2')
		.replace(/(^|[^\w*])\*(?!\s)(.+?)\*(?!\w)/g, '$1$2')
		.replace(/(^|\W)_(?!\s)(.+?)_(?!\w)/g, '$1$2')
		.trim();
}

/** Anchors of every ATX heading outside fenced code blocks, de-duplicated the way GitHub does. */
function markdownAnchors(markdown: string): string[] {
	const anchors: string[] = [];
	const seen = new Map<string, number>();
	let fence: string | null = null;
	for (const line of markdown.split(/\r?\n/)) {
		const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
		if (f) {
			if (fence === null) fence = f[1][0];
			else if (f[1][0] === fence) fence = null;
			continue;
		}
		if (fence !== null) continue;
		const h = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		if (!h) continue;
		const base = githubSlug(renderInline(h[1]));
		const n = seen.get(base) ?? 0;
		seen.set(base, n + 1);
		anchors.push(n === 0 ? base : `${base}-${n}`);
	}
	return anchors;
}

/** https://github.com/owner/repo for the package's repository field, or null. */
function repositoryWebUrl(): string | null {
	const raw = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
	if (typeof raw !== 'string') return null;
	const m = /^(?:git\+)?https:\/\/github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(raw);
	return m ? `https://github.com/${m[1]}/${m[2]}` : null;
}

/** Source file → the files tsc emits for it (relative to the repo), per tsconfig.json. */
function tscOutputs(): Map<string, string> {
	const configFile = ts.readConfigFile(rel('tsconfig.json'), (f) => ts.sys.readFile(f));
	if (configFile.error)
		throw new Error(ts.flattenDiagnosticMessageText(configFile.error.messageText, '\n'));
	const parsed = ts.parseJsonConfigFileContent(
		configFile.config,
		ts.sys,
		ROOT,
		undefined,
		rel('tsconfig.json'),
	);
	const map = new Map<string, string>();
	for (const file of parsed.fileNames) {
		for (const out of ts.getOutputFileNames(parsed, file, false)) {
			if (out.endsWith('.js'))
				map.set(path.relative(ROOT, out).split(path.sep).join('/'), path.relative(ROOT, file));
		}
	}
	return map;
}

/** Every file under `dir` (relative to the repo) whose name matches `re`. */
function walk(dir: string, re: RegExp): string[] {
	if (!fs.existsSync(rel(dir))) return [];
	return fs.readdirSync(rel(dir), { withFileTypes: true }).flatMap((e) => {
		const p = `${dir}/${e.name}`;
		if (e.isDirectory()) return walk(p, re);
		return re.test(e.name) ? [p] : [];
	});
}

/** Loads the class a node or credential source file exports under its base name. */
async function loadClass(sourceFile: string): Promise<any> {
	const mod = (await import(rel(sourceFile))) as Record<string, unknown>;
	const className = path.basename(sourceFile).split('.')[0];
	const cls = mod[className];
	if (typeof cls !== 'function')
		throw new Error(`${sourceFile} does not export class ${className}`);
	return new (cls as new () => unknown)();
}

/** `file:` icon references of a node or credential description, resolved inside dist/. */
function iconFiles(icon: unknown, compiledFile: string): string[] {
	const refs =
		typeof icon === 'string'
			? [icon]
			: icon && typeof icon === 'object'
				? Object.values(icon as Json).map(String)
				: [];
	return refs
		.filter((r) => r.startsWith('file:'))
		.map((r) =>
			path.posix.normalize(
				path.posix.join(path.posix.dirname(compiledFile), r.slice('file:'.length)),
			),
		);
}

// ---------------------------------------------------------------------------------------------
// Self-checks of the helpers: a broken helper would make the real checks pass vacuously.
// ---------------------------------------------------------------------------------------------

describe('helpers', () => {
	it('computes GitHub heading anchors like github.com does', () => {
		expect(
			markdownAnchors(
				'# The Veo3 node\n## Video → Generate\n## `Get 1080p`\n## A [link](x) & *em*\n## FAQ\n## FAQ',
			),
		).toEqual(['the-veo3-node', 'video--generate', 'get-1080p', 'a-link--em', 'faq', 'faq-1']);
		expect(markdownAnchors('```bash\n# not a heading\n```\n## Real')).toEqual(['real']);
		expect(markdownAnchors('## snake_case_name')).toEqual(['snake_case_name']);
	});

	it('matches tags the way GitHub filter patterns do', () => {
		expect(githubGlob('*.*.*').test('1.2.3')).toBe(true);
		expect(githubGlob('v*.*.*').test('1.2.3')).toBe(false);
		expect(githubGlob('*.*.*').test('main')).toBe(false);
		expect(githubGlob('*.*.*').test('release/1.2.3')).toBe(false);
	});

	it('orders versions by semver precedence', () => {
		expect(compareSemver('1.10.0', '1.9.0')).toBeGreaterThan(0);
		expect(compareSemver('1.0.0-rc.1', '1.0.0')).toBeLessThan(0);
		expect(compareSemver('1.0.0-rc.10', '1.0.0-rc.2')).toBeGreaterThan(0);
		expect(compareSemver('0.1.0', '0.1.0')).toBe(0);
	});
});

// ---------------------------------------------------------------------------------------------
// GitHub workflows and Dependabot
// ---------------------------------------------------------------------------------------------

const WORKFLOW_DIR = rel('.github', 'workflows');
const workflowFiles = fs.existsSync(WORKFLOW_DIR)
	? fs
			.readdirSync(WORKFLOW_DIR)
			.filter((f) => /\.ya?ml$/.test(f))
			.sort()
	: [];

describe('.github/workflows: every file', () => {
	it('has ci.yml and publish.yml', () => {
		expect(workflowFiles).toEqual(expect.arrayContaining(['ci.yml', 'publish.yml']));
	});

	it.each(workflowFiles)('%s is valid YAML with the shape GitHub Actions needs', (file) => {
		const wf = loadYaml(path.join(WORKFLOW_DIR, file));
		expect(typeof wf.name).toBe('string');
		expect(wf.on).toBeDefined();
		expect(typeof wf.jobs).toBe('object');
		const jobs = Object.entries(wf.jobs as Record<string, Job>);
		expect(jobs.length).toBeGreaterThan(0);
		for (const [id, job] of jobs) {
			expect([id, typeof job['runs-on']]).toEqual([id, 'string']);
			expect(Array.isArray(job.steps) && job.steps.length > 0).toBe(true);
			for (const step of job.steps) {
				// A step is either an action or a shell command, never both or neither.
				expect([id, step.name, 'uses' in step !== 'run' in step]).toEqual([id, step.name, true]);
				// Actions are pinned to a major version or a commit, never to a branch.
				if (step.uses)
					expect(step.uses).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
			}
		}
	});
});

describe('.github/workflows/ci.yml', () => {
	const wf = loadYamlOrEmpty(path.join(WORKFLOW_DIR, 'ci.yml'));
	const jobs = Object.values(wf.jobs as Record<string, Job>);
	// The job that runs the checks: the one installing from the lockfile.
	const job = jobs.find((j) => stepIndex(j.steps, /^npm ci\b/) >= 0);

	it('runs on pushes to main and on every pull request', () => {
		expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
		expect(wf.on.push?.branches).toEqual(expect.arrayContaining(['main']));
		// A branch filter on pull_request would skip PRs against other branches.
		expect(wf.on.pull_request?.branches).toBeUndefined();
	});

	it('installs from the lockfile, then lints, builds and tests, in that order', () => {
		expect(job).toBeDefined();
		const steps = job!.steps;
		const order = [/^npm ci\b/, /^npm run lint\b/, /^npm run build\b/, /^npm (run )?test\b/].map(
			(re) => stepIndex(steps, re),
		);
		expect(order.every((i) => i >= 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		// `npm install` could rewrite the lockfile and hide a lockfile that is out of date.
		expect(commands(steps).filter((c) => /^npm (install|i)\b/.test(c))).toEqual([]);
	});

	it('tests on the lowest Node that package.json "engines" allows, with the npm cache', () => {
		const engineMin = /^>=\s*(\d+)/.exec(String(pkg.engines?.node));
		expect(engineMin).not.toBeNull();
		const majors = nodeVersionsOf(job!).map(majorOf);
		expect(majors.length).toBeGreaterThan(0);
		expect(majors.every((m) => Number.isInteger(m))).toBe(true);
		expect(majors).toContain(Number(engineMin![1]));
		const setup = job!.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
		expect(setup?.with?.cache).toBe('npm');
	});

	it('gives the workflow token read-only access', () => {
		expect(permissionsOf(wf, job!)).toEqual({ contents: 'read' });
	});
});

describe('.github/workflows/publish.yml', () => {
	const wf = loadYamlOrEmpty(path.join(WORKFLOW_DIR, 'publish.yml'));
	const entries = Object.entries(wf.jobs as Record<string, Job>);
	const publishing = entries.filter(([, j]) => stepIndex(j.steps, /^npm publish\b/) >= 0);
	const job = publishing[0]?.[1];
	const publishIdx = job ? stepIndex(job.steps, /^npm publish\b/) : -1;
	const publishCmd = job
		? commands([job.steps[publishIdx]]).find((c) => /^npm publish\b/.test(c))
		: undefined;

	it('runs only on version tags, like 1.2.3 and v1.2.3', () => {
		expect(Object.keys(wf.on)).toEqual(['push']);
		expect(wf.on.push.branches).toBeUndefined();
		const tags = (wf.on.push.tags as string[]).map(githubGlob);
		const matches = (tag: string) => tags.some((re) => re.test(tag));
		for (const tag of ['0.1.0', '1.2.3', 'v1.2.3', '2.0.0-rc.1'])
			expect([tag, matches(tag)]).toEqual([tag, true]);
		for (const tag of ['main', 'latest', '1.2', 'release-candidate', 'v1'])
			expect([tag, matches(tag)]).toEqual([tag, false]);
	});

	it('has exactly one job that publishes, on a GitHub-hosted runner', () => {
		expect(publishing).toHaveLength(1);
		// Provenance and trusted publishing work only on GitHub-hosted runners.
		expect(String(job!['runs-on'])).toMatch(/^ubuntu-/);
	});

	it('may mint an OIDC token (id-token: write) and only read the repository', () => {
		expect(permissionsOf(wf, job!)).toEqual({ 'id-token': 'write', contents: 'read' });
	});

	it('publishes publicly with --provenance', () => {
		expect(publishCmd).toBeDefined();
		expect(publishCmd!.split(/\s+/)).toEqual(
			expect.arrayContaining(['--provenance', '--access', 'public']),
		);
	});

	it('installs from the lockfile, lints, builds and tests before publishing', () => {
		const steps = job!.steps;
		const order = [/^npm ci\b/, /^npm run lint\b/, /^npm run build\b/, /^npm (run )?test\b/].map(
			(re) => stepIndex(steps, re),
		);
		expect(order.every((i) => i >= 0 && i < publishIdx)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
	});

	it('refuses a tag that is not the package.json version', () => {
		const check = job!.steps
			.slice(0, publishIdx)
			.find((s) => typeof s.run === 'string' && s.run.includes('GITHUB_REF_NAME'));
		expect(check?.run).toMatch(/package\.json/);
		expect(check?.run).toMatch(/exit 1/);
	});

	it('uses OIDC trusted publishing, with NPM_TOKEN only as a fallback', () => {
		const step = job!.steps[publishIdx];
		expect(String(step.env?.NPM_TOKEN)).toMatch(/^\$\{\{\s*secrets\.NPM_TOKEN\s*\}\}$/);
		// The token is written only when the secret is set, so OIDC is used otherwise.
		expect(step.run).toMatch(
			/if \[ -n "\$NPM_TOKEN" \]; then\s+npm config set \/\/registry\.npmjs\.org\/:_authToken "\$NPM_TOKEN"/,
		);
		// setup-node's registry-url writes a placeholder _authToken that stops npm from trying OIDC.
		const setup = job!.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
		expect(setup).toBeDefined();
		expect(setup!.with?.['registry-url']).toBeUndefined();
	});

	it('publishes with a Node whose npm can do trusted publishing (Node >= 22.14, npm >= 11.5.1)', () => {
		const majors = nodeVersionsOf(job!).map(majorOf);
		expect(majors).toHaveLength(1);
		expect(majors[0]).toBeGreaterThanOrEqual(24);
		const npmCheck = job!.steps
			.slice(0, publishIdx)
			.find((s) => s.run?.includes('npm install -g npm@^11.5.1'));
		expect(npmCheck).toBeDefined();
	});
});

describe('.github/dependabot.yml', () => {
	const cfg = loadYamlOrEmpty(rel('.github', 'dependabot.yml'));

	it('is valid YAML', () => {
		expect(() => loadYaml(rel('.github', 'dependabot.yml'))).not.toThrow();
	});

	it('is version 2 and updates npm packages and GitHub Actions on a schedule', () => {
		expect(cfg.version).toBe(2);
		const updates = cfg.updates as Json[];
		expect(updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
		for (const u of updates) {
			expect(u.directory).toBe('/');
			expect(['daily', 'weekly', 'monthly', 'quarterly', 'semiannually', 'yearly']).toContain(
				u.schedule?.interval,
			);
		}
	});

	it('moves n8n-core and n8n-workflow together (one n8n-workflow copy in the harness)', () => {
		const npm = (cfg.updates as Json[]).find((u) => u['package-ecosystem'] === 'npm')!;
		const groups = Object.values((npm.groups ?? {}) as Record<string, Json>);
		// Dependabot group patterns: `*` matches any characters, `/` included.
		const matches = (pattern: string, name: string) =>
			new RegExp(
				`^${pattern
					.split('*')
					.map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
					.join('.*')}$`,
			).test(name);
		const groupOf = (name: string) =>
			groups.findIndex((g) => ((g.patterns ?? []) as string[]).some((p) => matches(p, name)));
		expect(groupOf('n8n-core')).toBeGreaterThanOrEqual(0);
		expect(groupOf('n8n-core')).toBe(groupOf('n8n-workflow'));
	});
});

// ---------------------------------------------------------------------------------------------
// package.json
// ---------------------------------------------------------------------------------------------

describe('package.json metadata', () => {
	it('is named n8n-nodes-* with a semver version', () => {
		expect(pkg.name).toMatch(/^(@[a-z0-9-~][a-z0-9-._~]*\/)?n8n-nodes-[a-z0-9-._~]+$/);
		expect(pkg.version).toMatch(SEMVER);
	});

	it('is MIT licensed, with the MIT text in LICENSE', () => {
		expect(pkg.license).toBe('MIT');
		expect(read('LICENSE')).toMatch(/^MIT License\b/);
		expect(read('LICENSE')).toMatch(/Permission is hereby granted, free of charge/);
	});

	it('carries the community-node keyword n8n and npm search use', () => {
		expect(pkg.keywords).toEqual(expect.arrayContaining(['n8n-community-node-package']));
	});

	it('has a real description (no template placeholder)', () => {
		expect(typeof pkg.description).toBe('string');
		expect(pkg.description.trim().length).toBeGreaterThanOrEqual(20);
		expect(pkg.description).not.toMatch(/<[^<>\n@]+?>|\{\{[^{}\n]+?\}\}/);
	});

	it('points repository, homepage and bugs at the same public GitHub repository', () => {
		const web = repositoryWebUrl();
		expect(web).not.toBeNull();
		expect(pkg.repository.type).toBe('git');
		expect(pkg.homepage).toMatch(new RegExp(`^${web!.replace(/[.]/g, '\\.')}(#readme)?$`));
		expect(pkg.bugs?.url).toBe(`${web}/issues`);
	});

	it('names an author with a name and an email', () => {
		const author = pkg.author as Json;
		expect(typeof author?.name).toBe('string');
		expect(author.name.trim()).not.toBe('');
		expect(author.email).toMatch(/^[^\s@<>]+@[^\s@<>]+\.[a-z]{2,}$/i);
	});

	it('declares the Node versions it supports (engines.node ">=20.x" or later)', () => {
		const m = /^>=\s*(\d+)(\.\d+){0,2}$/.exec(String(pkg.engines?.node));
		expect(m).not.toBeNull();
		expect(Number(m![1])).toBeGreaterThanOrEqual(20);
	});

	it('publishes dist, index.js, README.md, LICENSE and CHANGELOG.md, and nothing else', () => {
		expect([...(pkg.files as string[])].sort()).toEqual([
			'CHANGELOG.md',
			'LICENSE',
			'README.md',
			'dist',
			'index.js',
		]);
		for (const f of ['CHANGELOG.md', 'LICENSE', 'README.md', 'index.js'])
			expect([f, fs.existsSync(rel(f))]).toEqual([f, true]);
		// npm always packs "main": it must be the entry point that "files" ships.
		expect(pkg.main).toBe('index.js');
	});

	it('has no runtime dependencies, and n8n-workflow as its only peer dependency', () => {
		expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.overrides).toBeUndefined();
		for (const s of ['preinstall', 'install', 'postinstall', 'prepare'])
			expect([s, pkg.scripts?.[s]]).toEqual([s, undefined]);
	});

	it('has the n8n section: API version 1, strict mode, nodes and credentials under dist/', () => {
		expect(pkg.n8n?.n8nNodesApiVersion).toBe(1);
		expect(pkg.n8n?.strict).toBe(true);
		expect(pkg.n8n.nodes.length).toBeGreaterThan(0);
		for (const p of pkg.n8n.nodes as string[]) expect(p).toMatch(/^dist\/nodes\/.+\.node\.js$/);
		for (const p of (pkg.n8n.credentials ?? []) as string[])
			expect(p).toMatch(/^dist\/credentials\/.+\.credentials\.js$/);
	});

	it('lists paths that the build really produces (tsc per tsconfig.json)', () => {
		const outputs = tscOutputs();
		const listed = [...pkg.n8n.nodes, ...(pkg.n8n.credentials ?? [])] as string[];
		expect(listed.filter((p) => !outputs.has(p))).toEqual([]);
	});

	it('registers every node and credential source file', () => {
		const outputs = tscOutputs();
		const sourcesListed = new Set(
			[...pkg.n8n.nodes, ...(pkg.n8n.credentials ?? [])].map((p: string) => outputs.get(p)),
		);
		const onDisk = [...walk('nodes', /\.node\.ts$/), ...walk('credentials', /\.credentials\.ts$/)];
		expect(onDisk.length).toBeGreaterThan(0);
		expect(onDisk.filter((f) => !sourcesListed.has(f))).toEqual([]);
	});
});

describe('the packed tarball (npm pack --dry-run)', () => {
	const ALWAYS = ['CHANGELOG.md', 'LICENSE', 'README.md', 'index.js', 'package.json'];
	const n8nFiles = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])] as string[];
	const staleness = distStaleness(ROOT);
	let packed: string[] = [];
	beforeAll(() => {
		// --ignore-scripts: list what would be packed without running prepack/prepare hooks.
		const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: ROOT,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		packed = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files
			.map((f) => f.path)
			.sort();
	});

	it('holds dist/, index.js, README.md, LICENSE, CHANGELOG.md and package.json only', () => {
		expect(packed.filter((f) => !f.startsWith('dist/') && !ALWAYS.includes(f))).toEqual([]);
		expect(packed).toEqual(expect.arrayContaining(ALWAYS));
		// No sources, tests, simulator or maps inside dist/.
		expect(
			packed.filter(
				(f) =>
					/\.(ts|map)$|\.test\.|^dist\/(test|simulator|bench|scripts)\//.test(f) &&
					!f.endsWith('.d.ts'),
			),
		).toEqual([]);
	});

	it('is packed from a dist/ built from the current sources (jest globalSetup builds it)', () => {
		// null = every file of the n8n section exists and none is older than nodes/, credentials/, icons/...
		expect(staleness).toBeNull();
		expect(n8nFiles.length).toBeGreaterThan(0);
	});

	it('contains every node, credential, codex file and icon n8n loads', async () => {
		if (staleness)
			throw new Error(
				`dist/ is not current (${staleness}): run \`npm run build\`, or run this suite through jest so its globalSetup builds it`,
			);
		const outputs = tscOutputs();
		const expected: string[] = [];
		for (const compiled of n8nFiles) {
			expected.push(compiled);
			const instance = await loadClass(outputs.get(compiled)!);
			const icon = compiled.endsWith('.node.js') ? instance.description.icon : instance.icon;
			expected.push(...iconFiles(icon, compiled));
			if (compiled.endsWith('.node.js')) expected.push(compiled.replace(/\.js$/, '.json'));
		}
		expect(expected.filter((f) => !packed.includes(f))).toEqual([]);
	});

	it('exports from "main" (index.js) every node and credential class n8n loads, and nothing else', async () => {
		if (staleness) throw new Error(`dist/ is not current (${staleness}): run \`npm run build\``);
		const main = (await import(rel(pkg.main))) as Record<string, unknown>;
		const expected: Record<string, unknown> = {};
		for (const compiled of n8nFiles) {
			const className = path.basename(compiled).split('.')[0];
			expected[className] = ((await import(rel(compiled))) as Record<string, unknown>)[className];
			expect([className, typeof expected[className]]).toEqual([className, 'function']);
		}
		// The same class objects n8n loads, not copies; no other exports.
		expect(
			Object.keys(main)
				.filter((k) => k !== 'default')
				.sort(),
		).toEqual(Object.keys(expected).sort());
		for (const [name, cls] of Object.entries(expected))
			expect([name, main[name] === cls]).toEqual([name, true]);
	});
});

// ---------------------------------------------------------------------------------------------
// Documentation links: codex files and credentials → README sections that exist
// ---------------------------------------------------------------------------------------------

describe('documentation links point at README sections that exist', () => {
	const readmeAnchors = markdownAnchors(read('README.md'));
	const web = repositoryWebUrl();

	/** Why `url` is not a link to an existing README section of this repository, or null. */
	function linkProblem(url: unknown): string | null {
		if (typeof url !== 'string') return `not a string: ${String(url)}`;
		const m = /^(.*?)(?:\/blob\/[^/#]+\/README\.md)?#(.+)$/.exec(url);
		if (!m) return `${url}: no #anchor`;
		if (m[1] !== web) return `${url}: not ${web}`;
		if (!readmeAnchors.includes(m[2]))
			return `${url}: README.md has no heading with anchor #${m[2]}`;
		return null;
	}

	it('the README has headings to link to', () => {
		expect(readmeAnchors.length).toBeGreaterThan(3);
	});

	const nodeSources = (pkg.n8n?.nodes ?? []) as string[];
	it.each(nodeSources)('codex file of %s', async (compiled) => {
		const source = tscOutputs().get(compiled)!;
		const codexFile = source.replace(/\.ts$/, '.json');
		expect(fs.existsSync(rel(codexFile))).toBe(true);
		const codex = JSON.parse(read(codexFile)) as Json;
		const node = await loadClass(source);
		expect(codex.node).toBe(`${pkg.name}.${node.description.name}`);
		const primary = (codex.resources?.primaryDocumentation ?? []) as Json[];
		const credential = (codex.resources?.credentialDocumentation ?? []) as Json[];
		expect(primary.length).toBeGreaterThan(0);
		const nodeHasCredentials = (node.description.credentials ?? []).length > 0;
		if (nodeHasCredentials) expect(credential.length).toBeGreaterThan(0);
		expect([...primary, ...credential].map((r) => linkProblem(r.url)).filter(Boolean)).toEqual([]);
	});

	const credentialSources = (pkg.n8n?.credentials ?? []) as string[];
	it.each(credentialSources)('documentationUrl of %s', async (compiled) => {
		const credential = await loadClass(tscOutputs().get(compiled)!);
		expect(linkProblem(credential.documentationUrl)).toBeNull();
	});

	it('catches a link to a heading that does not exist', () => {
		expect(linkProblem(`${web}#no-such-section-here`)).toMatch(/no heading/);
		expect(linkProblem('https://example.com/#credentials')).toMatch(/not https:\/\/github\.com\//);
	});
});

// ---------------------------------------------------------------------------------------------
// CHANGELOG.md: Keep a Changelog 1.1.0
// ---------------------------------------------------------------------------------------------

describe('CHANGELOG.md follows Keep a Changelog', () => {
	const text = read('CHANGELOG.md');
	const lines = text.split(/\r?\n/);
	const TYPES = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security'];

	interface Section {
		label: string;
		date?: string;
		types: Array<{ name: string; items: number }>;
	}
	const sections: Section[] = [];
	const badHeadings: string[] = [];
	for (const line of lines) {
		const h2 = /^## (.*)$/.exec(line);
		const h3 = /^### (.*)$/.exec(line);
		if (h2) {
			const m = /^\[(Unreleased|[^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/.exec(h2[1]);
			if (!m) badHeadings.push(line);
			sections.push({ label: m ? m[1] : h2[1], date: m?.[2], types: [] });
		} else if (h3) {
			if (!sections.length) badHeadings.push(line);
			else sections[sections.length - 1].types.push({ name: h3[1], items: 0 });
		} else if (/^\s*[-*] \S/.test(line) && sections.length) {
			const types = sections[sections.length - 1].types;
			if (types.length) types[types.length - 1].items++;
			else badHeadings.push(`item outside a ### section: ${line}`);
		}
	}
	const released = sections.filter((s) => s.label !== 'Unreleased');

	it('starts with "# Changelog" and names Keep a Changelog and Semantic Versioning', () => {
		expect(lines[0]).toBe('# Changelog');
		expect(text).toMatch(/https:\/\/keepachangelog\.com\/en\/1\.\d\.\d\//);
		expect(text).toMatch(/https:\/\/semver\.org\//);
	});

	it('has an Unreleased section first', () => {
		expect(sections[0]?.label).toBe('Unreleased');
		expect(sections[0]?.date).toBeUndefined();
		expect(sections.filter((s) => s.label === 'Unreleased')).toHaveLength(1);
	});

	it('uses only "## [X.Y.Z] - YYYY-MM-DD" version headings', () => {
		expect(badHeadings).toEqual([]);
		for (const s of released) {
			expect([s.label, SEMVER.test(s.label)]).toEqual([s.label, true]);
			expect([s.label, s.date && !Number.isNaN(Date.parse(`${s.date}T00:00:00Z`))]).toEqual([
				s.label,
				true,
			]);
		}
	});

	it('lists versions newest first', () => {
		for (let i = 1; i < released.length; i++) {
			expect([
				released[i - 1].label,
				compareSemver(released[i - 1].label, released[i].label) > 0,
			]).toEqual([released[i - 1].label, true]);
			expect(released[i - 1].date! >= released[i].date!).toBe(true);
		}
	});

	it('groups changes under ### Added, Changed, Deprecated, Removed, Fixed or Security, never empty', () => {
		const types = sections.flatMap((s) => s.types.map((t) => ({ ...t, section: s.label })));
		expect(types.length).toBeGreaterThan(0);
		expect(
			types.filter((t) => !TYPES.includes(t.name)).map((t) => `${t.section}: ${t.name}`),
		).toEqual([]);
		expect(types.filter((t) => t.items === 0).map((t) => `${t.section}: ${t.name}`)).toEqual([]);
		for (const s of sections)
			expect([s.label, new Set(s.types.map((t) => t.name)).size]).toEqual([
				s.label,
				s.types.length,
			]);
		for (const s of released) expect([s.label, s.types.length > 0]).toEqual([s.label, true]);
	});

	it('links every version heading ([label]: url at the bottom)', () => {
		const defs = new Set(
			[...text.matchAll(/^\[([^\]]+)\]:\s+https?:\/\/\S+$/gm)].map((m) => m[1].toLowerCase()),
		);
		expect(sections.map((s) => s.label).filter((l) => !defs.has(l.toLowerCase()))).toEqual([]);
	});

	it("has package.json's version as the newest release, or as the next one", () => {
		const newest = released[0]?.label;
		if (newest !== undefined) expect(compareSemver(pkg.version, newest)).toBeGreaterThanOrEqual(0);
		// A version already released must not be edited under an older number.
		expect(
			released.filter((s) => compareSemver(s.label, pkg.version) > 0).map((s) => s.label),
		).toEqual([]);
	});
});
