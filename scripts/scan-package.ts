/**
 * Offline run of n8n's community package scanner (@n8n/scan-community-package). Its CLI downloads
 * the package and its provenance-attested source from npm and GitHub, which cannot happen for an
 * unpublished build; here its own `analyzePackage` (its ESLint config, `allowInlineConfig: false`)
 * runs on a local unpacked tarball and on this checkout's node/credential sources, the two legs of
 * `analyzePackageByName` (the tarball with a wider file scope than the CLI's).
 *
 *   tsx scripts/scan-package.ts <unpacked-tarball-dir> [<source-dir>]
 *
 * Prints one JSON object ({ passed, legs: [...] }) on stdout and exits 1 when a leg fails.
 */
import { resolve } from 'path';
import { pathToFileURL } from 'url';

interface AnalysisResult {
	passed: boolean;
	message?: string;
	details?: string;
}

interface ScannerModule {
	analyzePackage(dir: string, patterns?: string[]): Promise<AnalysisResult>;
	SOURCE_FILE_PATTERNS: string[];
}

export interface ScanLeg extends AnalysisResult {
	name: string;
	dir: string;
	patterns: string[];
}

async function main(): Promise<void> {
	const [packageDir, sourceDir] = process.argv.slice(2).map((p) => resolve(p));
	if (!packageDir) {
		process.stderr.write(
			'usage: tsx scripts/scan-package.ts <unpacked-tarball-dir> [<source-dir>]\n',
		);
		process.exit(2);
	}
	// eslint-plugin-n8n-nodes-base reads NODE_ENV when loaded: under "test" it expects its own
	// fixture file names and misreports real files. The scanner never runs under a test runner.
	delete process.env.NODE_ENV;
	const scannerPath = require.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
	const scanner = (await import(pathToFileURL(scannerPath).href)) as ScannerModule;
	const plan: Array<Omit<ScanLeg, keyof AnalysisResult>> = [
		// analyzePackage's own default scope: every .js, .ts and .json file of the unpacked tarball.
		// It contains the tarball leg of analyzePackageByName (compiled .js and package.json).
		{ name: 'tarball', dir: packageDir, patterns: ['**/*.js', '**/*.ts', '**/*.json'] },
	];
	// The source leg of analyzePackageByName: the node/credential sources and package.json.
	if (sourceDir)
		plan.push({ name: 'source', dir: sourceDir, patterns: scanner.SOURCE_FILE_PATTERNS });
	const legs: ScanLeg[] = [];
	for (const leg of plan)
		legs.push({ ...leg, ...(await scanner.analyzePackage(leg.dir, leg.patterns)) });
	const passed = legs.every((leg) => leg.passed);
	process.stdout.write(`${JSON.stringify({ passed, legs })}\n`);
	process.exit(passed ? 0 : 1);
}

void main();
