/**
 * The one-command start (`npm run simulator -- ...` → tsx simulator/cli.ts): prints the three URLs,
 * never the key values, serves with the given key, and stops cleanly on Ctrl-C (SIGINT).
 */
import axios from 'axios';
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const API_KEY = 'cli-secret-api-key-123';
const HMAC_KEY = 'cli-secret-hmac-456';

it('starts with the documented flags, hides secrets, and exits 0 on SIGINT', async () => {
	const child = spawn(
		process.execPath,
		[
			TSX,
			'simulator/cli.ts',
			'--port',
			'0',
			'--api-key',
			API_KEY,
			'--hmac-key',
			HMAC_KEY,
			'--profile',
			'fast',
			'--credits',
			'42',
		],
		{ cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let out = '';
	child.stdout.on('data', (d: Buffer) => (out += d.toString()));
	child.stderr.on('data', (d: Buffer) => (out += d.toString()));
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	try {
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no start-up banner:\n${out}`)), 15_000);
			child.stdout.on('data', () => {
				if (out.includes('Press Ctrl-C')) {
					clearTimeout(timer);
					resolve();
				}
			});
		});
		const base = /API base URL:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
		expect(out).toContain(`Upload base URL: ${base}/upload`);
		expect(out).toContain(`Control URL:     ${base}/__sim`);
		expect(out).toContain('profile fast');
		expect(out).not.toContain(API_KEY);
		expect(out).not.toContain(HMAC_KEY);
		const credit = await axios.get(`${base}/api/v1/chat/credit`, {
			headers: { Authorization: `Bearer ${API_KEY}` },
		});
		expect(credit.data).toEqual({ code: 200, msg: 'success', data: 42 });
		const config = await axios.get(`${base}/__sim/config`);
		expect(config.data).toMatchObject({ hmacKey: '(set)', profile: 'fast' });
		child.kill('SIGINT');
		expect(await exited).toBe(0);
		expect(out).toContain('SIGINT: stopping simulator');
	} finally {
		if (child.exitCode === null) child.kill('SIGKILL');
	}
});

it('rejects unknown flags with usage and exit code 2', async () => {
	const child = spawn(process.execPath, [TSX, 'simulator/cli.ts', '--nope', '1'], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let err = '';
	child.stderr.on('data', (d: Buffer) => (err += d.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
	expect(code).toBe(2);
	expect(err).toContain('unknown option --nope');
	expect(err).toContain('--hmac-key');
});
