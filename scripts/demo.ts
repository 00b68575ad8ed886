/**
 * `npm run demo`: a real n8n 2.x with n8n-nodes-veo3 installed, the example workflows imported, and
 * the flagship (examples/text-to-video-to-disk.json) run once, so an MP4 lands in demo-output/.
 *
 *   npm run demo                 simulator (no kie.ai account, no credits); stays up until Ctrl-C
 *   npm run demo -- --once       same, but stops after the flagship run (CI)
 *   KIE_API_KEY=… npm run demo -- --real    the real kie.ai: SPENDS CREDITS (60 for one video)
 *
 * Options: --port <n> (default 5678, or a free port when taken; 0 = any free port), --render-seconds <n> (simulator
 * render time, default 4). The first run installs n8n (test/e2e/install.sh v2, ~4 minutes with
 * progress); later runs start in seconds.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

import { setupOwner, startN8n, stopAll, type N8nApi, type N8nHandle } from '../test/e2e/lib';
import { E2E_DIR, REPO_ROOT } from '../test/e2e/lib/paths';
import {
	EXAMPLE_CREDENTIAL_NAME,
	EXAMPLE_N8N_ORIGIN,
	EXAMPLE_OUTPUT_DIR,
	EXAMPLE_THIRD_PARTY_TYPES,
	EXAMPLE_TRIGGER_PATH,
	listExamples,
	nodeOutput,
	prepareExample,
	readExample,
	setupVeo3,
} from '../test/e2e/lib/veo3';

const FLAGSHIP = 'text-to-video-to-disk.json';
const OUTPUT_DIR = path.join(REPO_ROOT, 'demo-output');

interface Args {
	once: boolean;
	real: boolean;
	port: number;
	renderSeconds: number;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { once: false, real: false, port: 5678, renderSeconds: 4 };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--once') args.once = true;
		else if (a === '--real') args.real = true;
		else if (a === '--port') args.port = Number(argv[++i]);
		else if (a === '--render-seconds') args.renderSeconds = Number(argv[++i]);
		else if (a === '--help' || a === '-h') {
			console.log('usage: npm run demo -- [--once] [--real] [--port 5678] [--render-seconds 4]');
			process.exit(0);
		} else throw new Error(`unknown argument ${a} (try --help)`);
	}
	if (!Number.isInteger(args.port) || args.port < 0)
		throw new Error('--port needs a port number (0 = any free port)');
	if (!(args.renderSeconds >= 0)) throw new Error('--render-seconds needs a number');
	return args;
}

const say = (text: string) => console.log(`[demo] ${text}`);

async function portIsFree(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const t0 = Date.now();
	const apiKey = process.env.KIE_API_KEY ?? '';
	if (args.real) {
		if (!apiKey)
			throw new Error(
				'--real needs your kie.ai API key in the environment: KIE_API_KEY=… npm run demo -- --real',
			);
		console.log(
			'\n*** --real: this uses the REAL kie.ai API and SPENDS CREDITS on your account ***',
		);
		console.log(
			'*** (one Veo 3.1 Fast video = 60 credits; renders take 2-5 minutes). Ctrl-C within 10 s to stop. ***\n',
		);
		await new Promise((r) => setTimeout(r, 10_000));
	}

	// 1. n8n 2.x on Node 24 (idempotent: returns at once when the install is up to date).
	say('checking the n8n 2.x install (the first run takes about 4 minutes) ...');
	const install = spawnSync('bash', [path.join(E2E_DIR, 'install.sh'), 'v2'], { stdio: 'inherit' });
	if (install.status !== 0)
		throw new Error(`test/e2e/install.sh v2 failed (exit ${install.status})`);

	// 2. n8n with the package; file nodes may write to demo-output/.
	fs.mkdirSync(OUTPUT_DIR, { recursive: true });
	const port = args.port !== 0 && (await portIsFree(args.port)) ? args.port : undefined;
	if (port === undefined && args.port !== 0) say(`port ${args.port} is taken: using a free one`);
	say('starting n8n with n8n-nodes-veo3 ...');
	const n8n: N8nHandle = await startN8n({
		version: 'v2',
		port,
		name: 'demo',
		env: { N8N_RESTRICT_FILE_ACCESS_TO: OUTPUT_DIR },
	});
	say(`n8n ${n8n.baseUrl} ready in ${(n8n.startupMs / 1000).toFixed(1)} s`);
	const api: N8nApi = await setupOwner(n8n);

	// 3. The credential: simulator (default) or the real kie.ai.
	let credential: { id: string; name: string };
	if (args.real) {
		credential = await api.createCredential('veo3Api', EXAMPLE_CREDENTIAL_NAME, { apiKey });
		say('credential "Veo3 (kie.ai) account" → https://api.kie.ai (real)');
	} else {
		const veo = await setupVeo3(api, { simulator: { renderMs: args.renderSeconds * 1000 } });
		credential = veo.credential;
		say(
			`kie.ai simulator at ${veo.sim.url} (renders take ${args.renderSeconds} s); credential "${credential.name}" points at it`,
		);
	}

	// 4. Import every example (Drive/Slack keep their nodes; their credentials are left for you).
	const pollIntervalSeconds = args.real ? undefined : 1;
	const ids: Record<string, string> = {};
	for (const file of listExamples()) {
		const wf = prepareExample(readExample(file), credential, {
			stripCredentialsOf: EXAMPLE_THIRD_PARTY_TYPES,
			pollIntervalSeconds,
			replace: [
				[EXAMPLE_N8N_ORIGIN, n8n.baseUrl],
				[EXAMPLE_OUTPUT_DIR, OUTPUT_DIR],
			],
		});
		ids[file] = (await api.createWorkflow(wf)).id;
		say(`imported examples/${file} → ${n8n.baseUrl}/workflow/${ids[file]}`);
	}
	if (!args.real) {
		// The callback receiver only makes sense where kie.ai can reach n8n: the simulator can.
		await api.activateWorkflow(ids['callback-trigger.json'], {
			webhookPaths: [EXAMPLE_TRIGGER_PATH],
		});
		say('activated "Veo3: callback receiver" (run "Veo3: generate with callback" to see it fire)');
	}

	// 5. The flagship, run once.
	say(`running the flagship: examples/${FLAGSHIP} ...`);
	const runStart = Date.now();
	const result = await api.runManual(ids[FLAGSHIP], args.real ? 45 * 60_000 : 5 * 60_000);
	const [video] = nodeOutput(result, 'Generate Video');
	const [saved] = nodeOutput(result, 'Save MP4 to Disk');
	const file = saved?.json?.fileName ? String(saved.json.fileName) : '';
	if (!video || video.json.status !== 'success' || !file || !fs.existsSync(file)) {
		const error = result?.data?.resultData?.error;
		throw new Error(
			`the flagship did not produce an MP4: ${error?.message ?? JSON.stringify(video?.json ?? null).slice(0, 500)}`,
		);
	}
	const size = fs.statSync(file).size;
	say(
		`video ${video.json.taskId} ready in ${((Date.now() - runStart) / 1000).toFixed(1)} s: ${path.relative(process.cwd(), file)} (${size} bytes)`,
	);

	console.log('');
	console.log(`  n8n editor:  ${n8n.baseUrl}/workflow/${ids[FLAGSHIP]}`);
	console.log(`  login:       ${api.owner.email}`);
	console.log(`  password:    ${api.owner.password}`);
	console.log(`  output:      ${OUTPUT_DIR}/`);
	console.log(`  (ready in ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
	console.log('');

	if (args.once) {
		await stopAll();
		say('--once: stopped n8n and the simulator');
		return;
	}
	say('n8n keeps running for you to click around; press Ctrl-C to stop everything.');
	// lib/processes.ts stops n8n and the simulator on SIGINT/SIGTERM.
	setInterval(() => undefined, 60_000);
	await new Promise(() => undefined);
}

main().then(
	() => process.exit(0),
	async (error: Error) => {
		console.error(`[demo] failed: ${error.message}`);
		await stopAll().catch(() => undefined);
		process.exit(1);
	},
);
