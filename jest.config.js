/**
 * The default suite, `npm test` (what CI and the README run): every test under test/ except the
 * real-n8n end-to-end suite, which has its own config (test/e2e/jest.e2e.config.js, run by
 * test/e2e/run.sh), and the slow suites of test/setup/slowSuites.js, which `npm run test:slow`
 * runs (jest.slow.config.js). CI runs both.
 *
 * - Unit tests: test/unit/, laid out like the code they test (test/unit/nodes/kie/records/
 *   normalize.test.ts tests nodes/kie/records/normalize.ts). `npm run test:unit` runs only these:
 *   the fast loop while you change the node.
 * - Integration tests: the simulator's contract with kie.ai (test/simulator/), whole workflows run
 *   through n8n-core's engine against the simulator (test/workflows/), faults and secrets
 *   (test/reliability/), the release checks (test/release/). `npm run test:integration` runs only
 *   these.
 *
 * JEST_ALL_SUITES=1 (scripts/mutations.ts sets it), or a slow suite named by its path on the
 * command line, keeps the slow suites in, with the globalSetup of jest.slow.config.js (dist/ built
 * when stale), so a test named by a mutant or a developer is found wherever it lives.
 */
const path = require('path');

const { SLOW_SUITES, SLOW_SUITE_PATTERNS } = require('./test/setup/slowSuites');

/** `npx jest test/reliability/soak.test.ts`: a slow suite named by its path still runs. */
const namesSlowSuite = process.argv.some((arg) =>
	SLOW_SUITES.some((file) => path.resolve(arg) === path.resolve(__dirname, file)),
);
const all = process.env.JEST_ALL_SUITES === '1' || namesSlowSuite;

module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/', ...(all ? [] : SLOW_SUITE_PATTERNS)],
	// The e2e installs (~4.5 GB of n8n node_modules), which CI writes while this suite runs.
	modulePathIgnorePatterns: [
		'<rootDir>/test/e2e/n8n-v1/',
		'<rootDir>/test/e2e/n8n-v2/',
		'<rootDir>/test/e2e/browser/',
	],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
	// Most suites wait on loopback HTTP and timers more than they compute: two workers on the
	// 2-core machine (jest's default there is one) nearly halve the wall time.
	maxWorkers: 2,
	...(all ? { globalSetup: '<rootDir>/test/setup/buildDist.ts' } : {}),
	testTimeout: 30000,
};
