/**
 * `npm run simulator -- --port 8787 --api-key <key> --hmac-key <key> --profile fast|realistic`
 * Also: --host, --credits, --seed, --public-url. Prints the URLs, never the key values.
 */
import type { ConfigPatch, Profile } from './config';
import { startSimulator } from './index';

const USAGE = `Usage: npm run simulator -- [options]

  --port <n>          listen port (default 8787; 0 = any free port)
  --host <addr>       listen address (default 127.0.0.1; 0.0.0.0 for Docker)
  --api-key <key>     Bearer key clients must send (default "sim-key")
  --hmac-key <key>    sign callbacks with X-Webhook-Signature (default: unsigned)
  --profile <p>       fast | realistic (default realistic: renders take 2-5 min)
  --credits <n>       starting credit balance (default 10000)
  --seed <n>          seed for render times and faults (default 1)
  --public-url <url>  base URL written into result/upload URLs (default http://<host>:<port>)
  -h, --help          this text

Control API: POST <url>/__sim/config, /__sim/reset, GET /__sim/counters ... (see simulator/README.md)`;

function parseArgs(argv: string[]): ConfigPatch {
	const patch: ConfigPatch = { port: 8787, profile: 'realistic' };
	const number = (flag: string, v: string): number => {
		const n = Number(v);
		if (!Number.isFinite(n) || n < 0)
			throw new Error(`${flag} needs a non-negative number, got "${v}"`);
		return n;
	};
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		if (flag === '-h' || flag === '--help') {
			console.log(USAGE);
			process.exit(0);
		}
		const value = argv[i + 1];
		if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
		i++;
		switch (flag) {
			case '--port':
				patch.port = number(flag, value);
				break;
			case '--host':
				patch.host = value;
				break;
			case '--api-key':
				patch.apiKey = value;
				break;
			case '--hmac-key':
				patch.hmacKey = value;
				break;
			case '--profile':
				if (value !== 'fast' && value !== 'realistic')
					throw new Error('--profile must be fast or realistic');
				patch.profile = value as Profile;
				break;
			case '--credits':
				patch.credits = number(flag, value);
				break;
			case '--seed':
				patch.seed = number(flag, value);
				patch.faults = { seed: number(flag, value) };
				break;
			case '--public-url':
				patch.publicUrl = value;
				break;
			default:
				throw new Error(`unknown option ${flag}`);
		}
	}
	return patch;
}

async function main(): Promise<void> {
	let patch: ConfigPatch;
	try {
		patch = parseArgs(process.argv.slice(2));
	} catch (err) {
		console.error(`${(err as Error).message}\n\n${USAGE}`);
		process.exit(2);
	}
	const sim = await startSimulator(patch);
	const c = sim.config;
	console.log(`kie.ai Veo simulator — profile ${c.profile}, ${c.credits} credits`);
	console.log(`  API base URL:    ${sim.url}`);
	console.log(`  Upload base URL: ${sim.uploadUrl}`);
	console.log(`  Control URL:     ${sim.controlUrl}`);
	if (c.publicUrl) console.log(`  Public URL:      ${c.publicUrl}`);
	// Values are never printed, only where they come from.
	console.log(
		`  API key:         ${patch.apiKey ? 'from --api-key' : 'default (see simulator/README.md)'}`,
	);
	console.log(`  Callback signing: ${c.hmacKey ? 'on (key from --hmac-key)' : 'off'}`);
	console.log('Press Ctrl-C to stop.');

	let stopping = false;
	const shutdown = (signal: string): void => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping simulator...`);
		sim.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => shutdown('SIGINT'));
	process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: Error) => {
	console.error(`simulator failed to start: ${err.message}`);
	process.exit(1);
});
