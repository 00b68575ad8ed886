/**
 * `npm run test:mutations`: proves the default test suite catches planted defects.
 *
 * The repository is copied to a scratch directory (the files git tracks or would track, with this
 * repository's node_modules linked in), then each mutant of test/mutations/mutants.ts is applied
 * there in turn and the default jest config runs, with the slow suites (JEST_ALL_SUITES=1) and
 * --bail: first the mutant's own test files, and if they pass, every test related to the mutated
 * file (--findRelatedTests). A mutant is caught when a test fails. Each catching file is then run
 * once on the unmutated copy: it must pass there, or the catch proves nothing. Prints a table;
 * exits 1 if any mutant survived, no longer applies, or was "caught" by a test that also fails
 * without it.
 *
 * Options: --only <text> runs the mutants whose name contains the text.
 */
import { execFileSync, spawnSync } from 'child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	readFileSync,
	realpathSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'fs';
import { tmpdir } from 'os';
import { dirname, join, relative, resolve } from 'path';

import { MUTANTS, type Mutant } from '../test/mutations/mutants';

const ROOT = resolve(__dirname, '..');
// A fixed place, so ts-jest's cache (keyed by path and content) serves every run after the first.
const SCRATCH = join(tmpdir(), 'n8n-nodes-veo3-mutations');
const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const PER_RUN_TIMEOUT_MS = 300_000;

interface Outcome {
	mutant: Mutant;
	verdict: 'caught' | 'SURVIVED' | 'NOT APPLIED' | 'JEST ERROR' | 'CATCHER FAILS UNMUTATED';
	caughtBy: string;
	seconds: number;
}

function prepareScratch(): void {
	rmSync(SCRATCH, { recursive: true, force: true });
	mkdirSync(SCRATCH, { recursive: true });
	const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	for (const file of listed.split('\0').filter(Boolean)) {
		const from = join(ROOT, file);
		// A worktree may hold node_modules as an untracked symlink: it is linked below, not copied.
		if (!existsSync(from) || file.startsWith('test/e2e/') || file === 'node_modules') continue;
		mkdirSync(dirname(join(SCRATCH, file)), { recursive: true });
		cpSync(from, join(SCRATCH, file));
	}
	symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(SCRATCH, 'node_modules'));
}

/**
 * Runs the default jest config in the scratch copy. With --bail jest stops at the first failing
 * test file and writes no JSON report, so the file is read from its "FAIL <file>" line.
 */
function runJest(args: string[]): { passed: boolean; failedFile?: string; problem?: string } {
	const result = spawnSync(
		process.execPath,
		[JEST, '--ci', '--silent', '--bail', '--maxWorkers=2', ...args],
		{
			cwd: SCRATCH,
			encoding: 'utf8',
			timeout: PER_RUN_TIMEOUT_MS,
			maxBuffer: 64 * 1024 * 1024,
			// The slow suites too (jest.config.js): a mutant may name one, like the engine soak.
			env: { ...process.env, CI: 'true', JEST_ALL_SUITES: '1' },
		},
	);
	if (result.status === 0) return { passed: true };
	const failed = /^FAIL\s+(\S+)/m.exec(`${result.stderr}\n${result.stdout}`);
	if (failed) return { passed: false, failedFile: relative(SCRATCH, resolve(SCRATCH, failed[1])) };
	return {
		passed: false,
		problem:
			result.error?.message ??
			`jest exited ${result.status} without a failing test: ${result.stderr.slice(-300)}`,
	};
}

function applyMutant(mutant: Mutant): string | undefined {
	const path = join(SCRATCH, mutant.file);
	if (!existsSync(path)) return undefined;
	const original = readFileSync(path, 'utf8');
	if (original.split(mutant.find).length !== 2) return undefined;
	writeFileSync(
		path,
		original.replace(mutant.find, () => mutant.replace),
	);
	return original;
}

function runMutant(mutant: Mutant): Outcome {
	const started = Date.now();
	const seconds = () => Math.round((Date.now() - started) / 100) / 10;
	const original = applyMutant(mutant);
	if (original === undefined)
		return {
			mutant,
			verdict: 'NOT APPLIED',
			caughtBy: `"find" text not found once in ${mutant.file}`,
			seconds: seconds(),
		};
	try {
		let run = runJest([
			...mutant.tests,
			...(mutant.testNamePattern ? ['-t', mutant.testNamePattern] : []),
		]);
		// The default config's roots hold only test/; the shipped code joins the module map so jest
		// can follow imports back to the mutated file. The tests run are still test/'s own.
		if (run.passed)
			run = runJest([
				'--roots',
				'<rootDir>/test',
				'<rootDir>/nodes',
				'<rootDir>/credentials',
				'<rootDir>/simulator',
				'--findRelatedTests',
				mutant.file,
			]);
		if (run.passed) return { mutant, verdict: 'SURVIVED', caughtBy: '-', seconds: seconds() };
		if (!run.failedFile)
			return { mutant, verdict: 'JEST ERROR', caughtBy: String(run.problem), seconds: seconds() };
		return { mutant, verdict: 'caught', caughtBy: run.failedFile, seconds: seconds() };
	} finally {
		writeFileSync(join(SCRATCH, mutant.file), original);
	}
}

/** A catch counts only if the catching tests pass on the unmutated copy (the same -t filter, if any). */
function checkCatchers(outcomes: Outcome[]): void {
	for (const outcome of outcomes.filter((o) => o.verdict === 'caught')) {
		const pattern = outcome.mutant.tests.includes(outcome.caughtBy)
			? outcome.mutant.testNamePattern
			: undefined;
		const key = `${outcome.caughtBy}|${pattern ?? ''}`;
		const passed =
			unmutatedRuns.get(key) ??
			runJest([outcome.caughtBy, ...(pattern ? ['-t', pattern] : [])]).passed;
		unmutatedRuns.set(key, passed);
		if (!passed) outcome.verdict = 'CATCHER FAILS UNMUTATED';
	}
}

const unmutatedRuns = new Map<string, boolean>();

function printTable(outcomes: Outcome[]): void {
	const rows = [
		['mutant', 'verdict', 'caught by', 'seconds'],
		...outcomes.map((o) => [o.mutant.name, o.verdict, o.caughtBy, o.seconds.toFixed(1)]),
	];
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
	const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
	console.log(line(rows[0]));
	console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const r of rows.slice(1)) console.log(line(r));
}

function main(): void {
	const onlyAt = process.argv.indexOf('--only');
	const only = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;
	const mutants = MUTANTS.filter((m) => !only || m.name.includes(only));
	const started = Date.now();
	prepareScratch();
	const outcomes: Outcome[] = [];
	for (const mutant of mutants) {
		const outcome = runMutant(mutant);
		console.log(`${outcome.verdict.padEnd(11)} ${mutant.name} (${outcome.seconds} s)`);
		outcomes.push(outcome);
	}
	checkCatchers(outcomes);
	console.log('');
	printTable(outcomes);
	const caught = outcomes.filter((o) => o.verdict === 'caught').length;
	console.log(
		`\n${caught} of ${outcomes.length} planted defects caught in ${Math.round((Date.now() - started) / 1000)} s.`,
	);
	if (caught !== outcomes.length) process.exitCode = 1;
}

main();
