// The node, trigger and credential descriptions are what users and their saved workflows depend
// on: a refactor must leave them byte for byte as they were. A deliberate change is recorded with
// `npx tsx test/release/publicSurface.ts --write`, in a commit that says why.
import * as fs from 'fs';

import { publicSurface, SURFACE_FILE } from './publicSurface';

test('the node, trigger and credential descriptions match the recorded public surface', () => {
	const recorded = JSON.parse(fs.readFileSync(SURFACE_FILE, 'utf8'));
	expect(publicSurface()).toEqual(recorded);
});
