// Jest config of the real-n8n e2e suite (test/e2e/run.sh runs it). Separate from the fast suite:
// each file starts real n8n processes, so tests run one at a time with long timeouts.
const path = require('path');

module.exports = {
	rootDir: __dirname,
	testEnvironment: 'node',
	preset: 'ts-jest',
	testMatch: ['**/*.e2e.test.ts'],
	// The n8n installs are ~3 GB of node_modules: keep jest's file crawler out of them.
	testPathIgnorePatterns: [
		'/node_modules/',
		'<rootDir>/n8n-v1/',
		'<rootDir>/n8n-v2/',
		'<rootDir>/browser/',
		'<rootDir>/artifacts/',
		// run.sh E2E_NO_BROWSER=1: no Chromium on this machine, skip the browser tests.
		...(process.env.E2E_NO_BROWSER === '1' ? ['browser[^/]*\\.e2e'] : []),
		// The queue-mode cluster (Redis, Postgres, 4 n8n processes) has its own runner, run-queue.sh.
		...(process.env.E2E_QUEUE_SUITE === '1' ? [] : ['queue-cluster\\.e2e']),
	],
	modulePathIgnorePatterns: ['<rootDir>/n8n-v1/', '<rootDir>/n8n-v2/', '<rootDir>/artifacts/'],
	watchPathIgnorePatterns: ['<rootDir>/n8n-v1/', '<rootDir>/n8n-v2/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.json') }],
	},
	// One n8n (~750 MB, plus its task runner) per suite on a 2-core machine: never in parallel.
	maxWorkers: 1,
	// One n8n per selected major shared by the files that need no special settings (lib/shared-n8n.ts).
	globalSetup: '<rootDir>/lib/shared-n8n-setup.ts',
	globalTeardown: '<rootDir>/lib/shared-n8n-teardown.ts',
	testTimeout: 5 * 60 * 1000,
	slowTestThreshold: 60,
	verbose: true,
};
