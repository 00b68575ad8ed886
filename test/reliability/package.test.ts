/**
 * Shipped-code hygiene: the tarball `npm pack` makes holds only dist/ and the
 * docs, n8n's community package scanner passes on it (scripts/scan-package.ts runs the scanner's
 * own analysis offline), and no ESLint rule is switched off wholesale.
 *
 * The package is built and packed in a private staging copy of the repository (same package.json,
 * same `npm run build`), not in the repository's dist/: other suites of `npm test` read dist/ while
 * this one runs, and a rebuild (rimraf dist) under their feet would break them.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..', '..');
/** Child processes run without jest's NODE_ENV=test, which eslint-plugin-n8n-nodes-base misreads. */
const CHILD_ENV = Object.fromEntries(
	Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV'),
);
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	files: string[];
	main?: string;
	dependencies?: Record<string, string>;
	n8n: { nodes: string[]; credentials?: string[] };
};

let work: string;
let stage: string;
let tarball: string;
let listing: string[];

function run(command: string, args: string[], cwd: string): string {
	return execFileSync(command, args, {
		cwd,
		env: CHILD_ENV,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		timeout: 180_000,
	});
}

function checkPackage(file: string): { status: number | null; output: string } {
	const result = spawnSync(
		'bash',
		[path.join(ROOT, 'scripts', 'check-package.sh'), '--tarball', file],
		{
			cwd: ROOT,
			env: CHILD_ENV,
			encoding: 'utf8',
			timeout: 180_000,
		},
	);
	return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

function filesUnder(dir: string): string[] {
	return fs
		.readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((d) => d.isFile())
		.map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
}

beforeAll(() => {
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'veo3-pack-'));
	stage = path.join(work, 'stage');
	fs.mkdirSync(stage);
	// What npm packs (package.json, "files" but dist, "main") and what the build reads.
	const inputs = [
		'package.json',
		...pkg.files.filter((f) => f !== 'dist'),
		...(pkg.main ? [pkg.main] : []),
		'tsconfig.json',
		'gulpfile.js',
		'nodes',
		'credentials',
		'icons',
	];
	for (const input of inputs) {
		if (fs.existsSync(path.join(ROOT, input)))
			fs.cpSync(path.join(ROOT, input), path.join(stage, input), { recursive: true });
	}
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
	run('npm', ['run', 'build'], stage);
	const packed = JSON.parse(
		run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], stage),
	) as Array<{ filename: string }>;
	tarball = path.join(work, packed[0].filename);
	listing = run('tar', ['-tzf', tarball], work).split('\n').filter(Boolean).sort();
});

afterAll(() => {
	if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
	it('holds package.json, index.js, README.md, LICENSE, CHANGELOG.md and dist/ only', () => {
		const allowed =
			/^package\/(dist\/.+|package\.json|index\.js|README\.md|LICENSE|CHANGELOG\.md)$/;
		expect(listing.filter((entry) => !allowed.test(entry))).toEqual([]);
		expect(listing).toEqual(
			expect.arrayContaining([
				'package/package.json',
				'package/index.js',
				'package/README.md',
				'package/LICENSE',
				'package/CHANGELOG.md',
			]),
		);
	});

	it('has no source maps, TypeScript sources, tests, simulator, benchmarks or scripts', () => {
		expect(listing.filter((entry) => /\.(map|ts|tsx|mts|cts)$/.test(entry))).toEqual([]);
		expect(
			listing.filter((entry) =>
				/(^|\/)(test|tests|__tests__|simulator|bench|scripts|fixtures)\/|\.(test|spec)\.[cm]?js$/.test(
					entry,
				),
			),
		).toEqual([]);
	});

	it('ships the whole build and every file package.json\'s "n8n" section names, and no runtime dependency', () => {
		const built = filesUnder(path.join(stage, 'dist')).map(
			(f) => `package/dist/${f.split(path.sep).join('/')}`,
		);
		expect(built.filter((f) => !listing.includes(f))).toEqual([]);
		for (const file of [...pkg.n8n.nodes, ...(pkg.n8n.credentials ?? [])])
			expect(listing).toContain(`package/${file}`);
		expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);
	});
});

describe('scripts/check-package.sh', () => {
	it('passes on the package: contents, n8n community package scanner, no blanket disables', () => {
		const { status, output } = checkPackage(tarball);
		expect({ status, output }).toEqual({
			status: 0,
			output: expect.stringContaining('check-package: OK'),
		});
		// Both scanner legs ran: the unpacked tarball and the node/credential sources.
		expect(output).toMatch(/tarball: passed[\s\S]*source: passed/);
	});

	it('fails a tarball with a source map, sources, tests, the simulator and code the scanner forbids', () => {
		const bad = path.join(work, 'bad');
		fs.mkdirSync(path.join(bad, 'package'), { recursive: true });
		run('tar', ['-xzf', tarball, '-C', path.join(bad, 'package'), '--strip-components=1'], work);
		const helper = path.join(bad, 'package', 'dist', 'nodes', 'kie', 'base', 'settle.js');
		fs.writeFileSync(`${helper}.map`, '{"version":3}');
		fs.writeFileSync(helper.replace(/\.js$/, '.ts'), 'export {};\n');
		fs.mkdirSync(path.join(bad, 'package', 'test'));
		fs.writeFileSync(path.join(bad, 'package', 'test', 'soak.test.js'), 'module.exports = {};\n');
		fs.mkdirSync(path.join(bad, 'package', 'simulator'));
		fs.writeFileSync(path.join(bad, 'package', 'simulator', 'index.js'), 'module.exports = {};\n');
		// An inline disable must not hide anything from the scanner (it lints with allowInlineConfig: false).
		const blanketDisable = ['/* eslint', 'disable */'].join('-');
		fs.appendFileSync(
			helper,
			`\n${blanketDisable}\nrequire('child_process').exec('id');\nconsole.log('x');\n`,
		);
		const badTarball = path.join(work, 'bad.tgz');
		run('tar', ['-czf', badTarball, '-C', bad, 'package'], work);

		const { status, output } = checkPackage(badTarball);
		expect(status).toBe(1);
		for (const expected of [
			'check-package: FAILED',
			'source map or TypeScript source in the tarball: package/dist/nodes/kie/base/settle.js.map',
			'source map or TypeScript source in the tarball: package/dist/nodes/kie/base/settle.ts',
			'not allowed in the tarball: package/test/soak.test.js',
			'test/tooling directory in the tarball: package/simulator/index.js',
			'n8n community package scanner failed',
			'@n8n/community-nodes/no-restricted-imports',
			'no-console',
			'eslint directive in the tarball',
		]) {
			expect(output).toContain(expected);
		}
	});
});

describe('no blanket ESLint disables', () => {
	const codeFiles = (dir: string): string[] =>
		fs.existsSync(path.join(ROOT, dir))
			? filesUnder(path.join(ROOT, dir))
					.filter(
						(f) =>
							/\.(ts|js|mjs|cjs)$/.test(f) &&
							!/(^|\/)(node_modules|artifacts|dist)\//.test(f.split(path.sep).join('/')),
					)
					.map((f) => path.join(dir, f))
			: [];
	const comments = (files: string[], pattern: RegExp): string[] =>
		files.flatMap((file) =>
			fs
				.readFileSync(path.join(ROOT, file), 'utf8')
				.split('\n')
				.flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
		);

	it('nothing `npm run lint` covers disables ESLint without naming the rule', () => {
		const linted = ['nodes', 'credentials', 'simulator', 'test', 'bench', 'scripts'].flatMap(
			codeFiles,
		);
		expect(linted.length).toBeGreaterThan(50);
		expect(comments(linted, /eslint-disable(-next-line|-line)?\s*(\*\/|$)/)).toEqual([]);
	});

	it('shipped code has no file-level disable and lints clean with inline configuration ignored', () => {
		expect(
			comments(['nodes', 'credentials'].flatMap(codeFiles), /\/\*\s*eslint-disable(\s|\*\/)/),
		).toEqual([]);
		// n8n's own community-node config (eslint.config.mjs), every disable comment ignored.
		const lint = spawnSync(
			'npx',
			['--no-install', 'eslint', '--no-inline-config', 'nodes', 'credentials', 'package.json'],
			{ cwd: ROOT, env: CHILD_ENV, encoding: 'utf8', timeout: 180_000 },
		);
		expect({ status: lint.status, output: lint.stdout }).toEqual({ status: 0, output: '' });
	});
});
