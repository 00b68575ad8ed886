/**
 * The planted defects of `npm run test:mutations` still fit the code: each `find` text occurs
 * exactly once in its file, and each named test file exists. Checked in the default suite, so an
 * edit that moves a planted line shows at once, not only when the slower mutation run comes.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

import { MUTANTS } from './mutants';

const ROOT = join(__dirname, '..', '..');

it('there are at least 10 planted defects, with distinct names', () => {
	expect(MUTANTS.length).toBeGreaterThanOrEqual(10);
	expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
});

it.each(MUTANTS.map((m) => [m.name, m] as const))('"%s" applies to its file', (_name, mutant) => {
	const source = readFileSync(join(ROOT, mutant.file), 'utf8');
	expect(source.split(mutant.find)).toHaveLength(2);
	expect(mutant.replace).not.toBe(mutant.find);
	for (const test of mutant.tests) expect(existsSync(join(ROOT, test))).toBe(true);
});
