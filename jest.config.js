/**
 * The default suite, `npm test` (what CI and the README run): every test under test/ except the
 * real-n8n end-to-end suite, which has its own config (test/e2e/jest.e2e.config.js, run by
 * test/e2e/run.sh).
 *
 * - Unit tests: test/unit/, laid out like the code they test (test/unit/nodes/kie/records/
 *   normalize.test.ts tests nodes/kie/records/normalize.ts). `npm run test:unit` runs only these:
 *   the fast loop while you change the node.
 * - Integration tests: the simulator's contract with kie.ai (test/simulator/), whole workflows run
 *   through n8n-core's engine against the simulator (test/workflows/), faults, soak and secrets
 *   (test/reliability/), and the release checks of the built package (test/release/).
 *   `npm run test:integration` runs only these.
 *
 * globalSetup builds dist/ first when it is missing or out of date and the run includes the
 * release checks, which inspect the compiled package.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
	globalSetup: '<rootDir>/test/setup/buildDist.ts',
	testTimeout: 30000,
};
