/**
 * The suites `npm test` leaves to `npm run test:slow` (jest.slow.config.js): each takes 10 s or
 * more of wall time on the 2-core machine, or needs dist/ built, so the default suite stays a fast
 * loop. CI runs both (.ci/run, .github/workflows/ci.yml). A new suite belongs here when it runs
 * long: the 500-task soaks, outages that wait out real retry delays, `npm pack` and the community
 * package scanner, the checks of the compiled package.
 */
const SLOW_SUITES = [
	'test/reliability/soak.test.ts',
	'test/reliability/soak-engine.test.ts',
	'test/reliability/outage.test.ts',
	'test/reliability/package.test.ts',
	'test/release/release.test.ts',
];

/** Jest path patterns (regular expressions on the absolute path) of the slow suites. */
const SLOW_SUITE_PATTERNS = SLOW_SUITES.map((file) => `/${file.replace(/[.]/g, '\\.')}$`);

module.exports = { SLOW_SUITES, SLOW_SUITE_PATTERNS };
