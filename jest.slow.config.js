/**
 * `npm run test:slow`: the suites listed in test/setup/slowSuites.js (soaks, outages, the packed
 * tarball, the release checks of the compiled package), with the default suite's settings. CI runs
 * it right after `npm test`.
 *
 * globalSetup builds dist/ first when it is missing or out of date and the run includes the
 * release checks, which inspect the compiled package.
 */
const { testMatch: _default, ...defaults } = require('./jest.config');
const { SLOW_SUITE_PATTERNS } = require('./test/setup/slowSuites');

module.exports = {
	...defaults,
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	testRegex: SLOW_SUITE_PATTERNS,
	// One at a time, as they always ran: the soaks check that every execution ends by its limit
	// while the machine is also packing and scanning the package.
	maxWorkers: 1,
	globalSetup: '<rootDir>/test/setup/buildDist.ts',
};
