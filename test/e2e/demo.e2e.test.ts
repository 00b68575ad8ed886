// The README's one command, as a user runs it: `npm run demo -- --once` builds, starts the simulator
// and n8n 2.x with the package, imports examples/, runs the flagship and must leave an MP4 in
// demo-output/. Runs when v2 is among the selected versions; bounded by `timeout`.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { REPO_ROOT, selectedVersions } from './lib';

const OUTPUT_DIR = path.join(REPO_ROOT, 'demo-output');
const testIfV2 = selectedVersions().includes('v2') ? test : test.skip;

testIfV2(
	'npm run demo -- --once writes the flagship MP4 to demo-output/ and prints the editor URL and login',
	() => {
		const started = Date.now();
		// n8n must not see jest's NODE_ENV=test (the harness removes it for n8n; the build doesn't care).
		const env = { ...process.env };
		delete env.NODE_ENV;
		const run = spawnSync(
			'timeout',
			['--kill-after=15s', '8m', 'npm', 'run', 'demo', '--', '--once', '--port', '0'],
			{
				cwd: REPO_ROOT,
				encoding: 'utf8',
				env,
				maxBuffer: 32 * 1024 * 1024,
			},
		);
		const output = `${run.stdout}\n${run.stderr}`;
		if (run.status !== 0)
			throw new Error(`npm run demo -- --once exited ${run.status}:\n${output.slice(-4000)}`);
		expect(output).toMatch(/n8n editor: {2}http:\/\/127\.0\.0\.1:\d+\/workflow\/\w+/);
		expect(output).toMatch(/login: {7}\S+@\S+/);
		expect(output).toMatch(/password: {4}\S+/);
		const fresh = fs
			.readdirSync(OUTPUT_DIR)
			.filter((f) => f.endsWith('.mp4'))
			.map((f) => path.join(OUTPUT_DIR, f))
			.filter((f) => fs.statSync(f).mtimeMs >= started);
		expect(fresh).toHaveLength(1);
		const bytes = fs.readFileSync(fresh[0]);
		expect(bytes.length).toBeGreaterThan(1000);
		expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
		console.log(
			`[e2e] demo --once: ${fresh[0]} (${bytes.length} bytes) in ${Date.now() - started} ms`,
		);
	},
	10 * 60_000,
);
