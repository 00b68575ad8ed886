// Starts a real n8n (`n8n start`) from test/e2e/n8n-v1 or n8n-v2 with our package installed as a
// community package, and waits until it really answers. See
// docs/n8n-notes.md#community-node, docs/n8n-notes.md#start (start/readiness) and docs/n8n-notes.md#queue-mode (queue mode); the comments cite the pitfall each line avoids.
import axios from 'axios';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { linkPackage, type LinkMode } from './package-link';
import { installDir, LOGS_DIR, n8nBin, nodeBinDir, REPO_ROOT, type N8nVersion } from './paths';
import { getFreePorts } from './ports';
import {
	isGroupAlive,
	killGroup,
	registerCleanup,
	trackProcessGroup,
	untrackProcessGroup,
} from './processes';

/** Fixed so credentials in the DB stay readable across restarts of the same user folder. Test-only value. */
const E2E_ENCRYPTION_KEY = 'n8n-nodes-veo3-e2e-encryption-key';

export interface QueueOptions {
	redis: { host: string; port: number };
	postgres: { host: string; port: number; database: string; user: string; password: string };
	/** Number of `n8n worker` processes to start next to main (default 1). */
	workers?: number;
	workerConcurrency?: number;
}

interface StartN8nOptions {
	version: N8nVersion;
	/** HTTP port (default: a free one). */
	port?: number;
	/**
	 * Built package to install as a community package (default: the repo root). It must contain
	 * package.json with an `n8n` section and every dist/ file it lists. null = start without it.
	 */
	packageDir?: string | null;
	/** 'copy' (default, what n8n's installer leaves) or 'symlink': see package-link.ts. */
	linkMode?: LinkMode;
	/** More community packages to install next to it (e.g. the e2e probe fixture). */
	extraPackageDirs?: string[];
	/** Extra/overriding environment variables (undefined deletes one). */
	env?: Record<string, string | undefined>;
	/** Queue mode: main + worker(s) on Redis + Postgres (docs/n8n-notes.md#queue-mode). Services must already run. */
	queue?: QueueOptions;
	/** Reuse this user folder (e.g. to restart on the same DB); default: a fresh temp folder. */
	userFolder?: string;
	/** Short label for logs and artifacts (default `n8n-<version>-<port>`). */
	name?: string;
	/** Default 180 s: a fresh SQLite DB runs ~200 migrations (10 s idle, much more on a loaded 2-core box). */
	readyTimeoutMs?: number;
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

export interface N8nHandle {
	version: N8nVersion;
	name: string;
	port: number;
	/** http://127.0.0.1:<port> (no trailing slash). */
	baseUrl: string;
	userFolder: string;
	/** Main process log (stdout+stderr). Copied to test/e2e/artifacts/logs/ on stop. */
	logPath: string;
	workerLogPaths: string[];
	/** Package name when `packageDir` was linked, else null. */
	linkedPackage: string | null;
	/** Every community package installed into this instance (packageDir + extraPackageDirs). */
	linkedPackages: string[];
	/** Milliseconds from spawn to /healthz/readiness + /rest/settings answering. */
	startupMs: number;
	/** The environment n8n runs with (contains the test-only encryption key, no user secrets). */
	env: NodeJS.ProcessEnv;
	webhookUrl(webhookPath: string): string;
	logTail(lines?: number): string;
	/** Runs another n8n CLI command (import:*, execute, export:*) against the same DB. */
	runCli(args: string[], timeoutMs?: number): Promise<CliResult>;
	/**
	 * Stops main (and workers) like a crash or a container restart would: SIGKILL kills at once;
	 * SIGTERM lets n8n shut down gracefully (N8N_GRACEFUL_SHUTDOWN_TIMEOUT). Resolves when the
	 * processes are gone. Unlike stop(), the user folder is kept, to start again on the same DB.
	 */
	kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
	/** Queue mode: starts worker i again (after it was killed) on its ports, appending to its log. */
	startWorker(i: number): Promise<void>;
	stop(): Promise<void>;
}

interface Proc {
	child: ChildProcess;
	pgid: number;
	exited: Promise<number | null>;
}

function spawnN8n(
	version: N8nVersion,
	args: string[],
	env: NodeJS.ProcessEnv,
	logPath: string,
	cwd: string,
	tempDir?: string,
): Proc {
	const fd = fs.openSync(logPath, 'a');
	// detached: own process group, so stop() can signal n8n *and* its task-runner child at once.
	// stdio goes straight to the file: no pipes that could fill up or keep jest's event loop busy.
	const child = spawn(n8nBin(version), args, {
		cwd,
		env,
		detached: true,
		stdio: ['ignore', fd, fd],
	});
	fs.closeSync(fd);
	if (!child.pid) throw new Error(`could not spawn n8n ${args.join(' ')}`);
	const pgid = child.pid;
	trackProcessGroup(pgid, tempDir);
	const exited = new Promise<number | null>((resolve) => {
		child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)));
		child.once('error', () => resolve(-1));
	});
	return { child, pgid, exited };
}

async function stopProc(proc: Proc, graceMs = 15_000): Promise<void> {
	if (proc.child.exitCode === null && proc.child.signalCode === null) {
		killGroup(proc.pgid, 'SIGTERM');
		const timedOut = await Promise.race([
			proc.exited.then(() => false),
			new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref()),
		]);
		if (timedOut) killGroup(proc.pgid, 'SIGKILL');
		await proc.exited;
	}
	// The runner child normally exits with main; make sure nothing of the group survives.
	if (isGroupAlive(proc.pgid)) {
		killGroup(proc.pgid, 'SIGTERM');
		await sleep(500);
		killGroup(proc.pgid, 'SIGKILL');
	}
	untrackProcessGroup(proc.pgid);
}

function tail(file: string, lines = 60): string {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

/** Where stop() keeps a copy of a log after the temp user folder is deleted. */
function artifactLog(name: string, log: string): string {
	return path.join(LOGS_DIR, `${name}-${path.basename(log)}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The environment from docs/n8n-notes.md#start, for one process (main, worker or CLI). */
function baseEnv(
	version: N8nVersion,
	port: number,
	brokerPort: number,
	userFolder: string,
	extra: StartN8nOptions['env'],
): NodeJS.ProcessEnv {
	const binDir = nodeBinDir(version);
	const url = `http://127.0.0.1:${port}/`;
	const env: NodeJS.ProcessEnv = {
		...process.env,
		// v2 needs Node 24 first on PATH (bin/n8n is `#!/usr/bin/env node`); v1 uses the system Node 20.
		PATH: binDir ? `${binDir}${path.delimiter}${process.env.PATH ?? ''}` : process.env.PATH,
		// Without it n8n writes ~/.n8n (docs/n8n-notes.md#pitfall-user-folder); data goes to $N8N_USER_FOLDER/.n8n.
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		// 2.x reads N8N_WEBHOOK_URL; 1.x reads WEBHOOK_URL (2.x still accepts it with a deprecation warning).
		...(version === 'v2' ? { N8N_WEBHOOK_URL: url } : { WEBHOOK_URL: url }),
		N8N_EDITOR_BASE_URL: url,
		// Default 5679 collides with a second n8n process (CLI, worker, another instance): docs/n8n-notes.md#pitfall-broker-port.
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_ENCRYPTION_KEY: E2E_ENCRYPTION_KEY,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		// 2.x warns that this default will flip to false; our package is unverified, so pin it.
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// Binary data (the downloaded MP4s) on disk, the mode real instances use; 2.x has no in-memory mode.
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		DB_SQLITE_POOL_SIZE: '2',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		// 2.x: stops the offline "ENOTFOUND api.n8n.io" stack traces from the MCP registry at
		// start-up (docs/n8n-notes.md#start). 1.123 has no such module and exits on 'Unknown module "mcp-registry"'.
		...(version === 'v2' ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
		// isolated-vm 6 (n8n 1.123's `vm` expression engine) has no Node-20 build: n8n crashes a few
		// seconds after start without this (docs/n8n-notes.md#pitfall-expression-engine).
		...(version === 'v1' ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
	};
	// Under jest NODE_ENV=test, and n8n then refuses to load nodes ("Not available in tests") and
	// exits with code 1 without a log line. n8n must run as it does for users.
	delete env.NODE_ENV;
	delete env.JEST_WORKER_ID;
	for (const [key, value] of Object.entries(extra ?? {})) {
		if (value === undefined) delete env[key];
		else env[key] = value;
	}
	return env;
}

function queueEnv(q: QueueOptions): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: q.redis.host,
		QUEUE_BULL_REDIS_PORT: String(q.redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: q.postgres.host,
		DB_POSTGRESDB_PORT: String(q.postgres.port),
		DB_POSTGRESDB_DATABASE: q.postgres.database,
		DB_POSTGRESDB_USER: q.postgres.user,
		DB_POSTGRESDB_PASSWORD: q.postgres.password,
	};
}

async function httpStatus(url: string): Promise<number> {
	try {
		const res = await axios.get(url, {
			timeout: 5_000,
			validateStatus: () => true,
			proxy: false,
			responseType: 'text',
		});
		return res.status;
	} catch {
		return 0; // connection refused while n8n boots
	}
}

/** Polls url until it answers 200, the process dies, or the deadline passes. */
async function waitFor200(
	url: string,
	proc: Proc,
	deadline: number,
	what: string,
	logPath: string,
): Promise<void> {
	let dead = false;
	void proc.exited.then(() => (dead = true));
	while (Date.now() < deadline) {
		if (dead)
			throw new Error(
				`${what}: n8n exited (code ${proc.child.exitCode}) before ${url} answered.\n--- ${logPath} (tail) ---\n${tail(logPath)}`,
			);
		if ((await httpStatus(url)) === 200) return;
		await sleep(250);
	}
	throw new Error(
		`${what}: ${url} not ready in time.\n--- ${logPath} (tail) ---\n${tail(logPath)}`,
	);
}

export async function startN8n(options: StartN8nOptions): Promise<N8nHandle> {
	const { version } = options;
	const bin = n8nBin(version);
	if (!fs.existsSync(bin))
		throw new Error(
			`n8n ${version} is not installed (${bin} missing): run test/e2e/install.sh ${version}`,
		);

	const workers = options.queue ? (options.queue.workers ?? 1) : 0;
	// main port (unless given), main broker port, and per worker: broker + health-check port.
	const free = await getFreePorts(2 + workers * 2);
	const port = options.port ?? free[0];
	const name = options.name ?? `n8n-${version}-${port}`;
	const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
	fs.mkdirSync(userFolder, { recursive: true });
	const logPath = path.join(userFolder, 'n8n.log');

	const packageDir = options.packageDir === undefined ? REPO_ROOT : options.packageDir;
	const linkedPackage = packageDir
		? linkPackage(userFolder, packageDir, options.linkMode).name
		: null;
	const linkedPackages = [
		...(linkedPackage ? [linkedPackage] : []),
		...(options.extraPackageDirs ?? []).map(
			(dir) => linkPackage(userFolder, dir, options.linkMode).name,
		),
	];

	const extra = { ...(options.queue ? queueEnv(options.queue) : {}), ...options.env };
	const env = baseEnv(version, port, free[1], userFolder, extra);
	const cwd = installDir(version);
	const baseUrl = `http://127.0.0.1:${port}`;

	const t0 = Date.now();
	// The reaper may delete the user folder only if we created it.
	const main = spawnN8n(
		version,
		['start'],
		env,
		logPath,
		cwd,
		options.userFolder ? undefined : userFolder,
	);
	const procs: Proc[] = [main];
	const workerLogPaths: string[] = [];

	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		unregister();
		// Workers first: they hold jobs of main's queue.
		for (const p of procs.slice(1).reverse()) await stopProc(p);
		await stopProc(main);
		fs.mkdirSync(LOGS_DIR, { recursive: true });
		for (const log of [logPath, ...workerLogPaths]) {
			if (fs.existsSync(log)) fs.copyFileSync(log, artifactLog(name, log));
		}
		if (!options.userFolder && process.env.E2E_KEEP_TMP !== '1')
			fs.rmSync(userFolder, { recursive: true, force: true });
	};
	const unregister = registerCleanup(name, stop);

	/** Starts worker i (0-based) with its own ports and log, appending to that log on a restart. */
	const startWorker = async (i: number, deadline: number) => {
		const workerLog = path.join(userFolder, `worker-${i + 1}.log`);
		if (!workerLogPaths.includes(workerLog)) workerLogPaths.push(workerLog);
		const brokerPort = free[2 + i * 2];
		const healthPort = free[3 + i * 2];
		// Each worker needs its own broker port (docs/n8n-notes.md#pitfall-broker-port) and health-check port.
		const workerEnv = {
			...env,
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		};
		const concurrency = String(options.queue?.workerConcurrency ?? 2);
		const worker = spawnN8n(
			version,
			['worker', `--concurrency=${concurrency}`],
			workerEnv,
			workerLog,
			cwd,
		);
		procs.push(worker);
		await waitFor200(
			`http://127.0.0.1:${healthPort}/healthz`,
			worker,
			deadline,
			`${name} worker ${i + 1}`,
			workerLog,
		);
	};

	try {
		const readyTimeout = options.readyTimeoutMs ?? 180_000;
		const deadline = t0 + readyTimeout;
		await waitFor200(`${baseUrl}/healthz/readiness`, main, deadline, name, logPath);
		// 1.123 answers readiness ~2 s before its REST routes exist (docs/n8n-notes.md#pitfall-async-activation).
		await waitFor200(`${baseUrl}/rest/settings`, main, deadline, name, logPath);

		for (let i = 0; i < workers; i++) await startWorker(i, deadline);
	} catch (error) {
		await stop();
		(error as Error).message += `\n(full log: ${artifactLog(name, logPath)})`;
		throw error;
	}
	const startupMs = Date.now() - t0;

	const info = {
		version,
		name,
		port,
		baseUrl,
		userFolder,
		logPath,
		linkedPackage,
		linkedPackages,
		startupMs,
		env,
	};
	return {
		...attachN8n(info),
		workerLogPaths,
		startWorker: async (i: number) => await startWorker(i, Date.now() + 180_000),
		kill: async (signal: 'SIGKILL' | 'SIGTERM') => {
			for (const p of procs)
				if (p.child.exitCode === null && p.child.signalCode === null) killGroup(p.pgid, signal);
			for (const p of procs) await stopProc(p, 60_000);
		},
		stop,
	};
}

const INFO_KEYS = [
	'version',
	'name',
	'port',
	'baseUrl',
	'userFolder',
	'logPath',
	'linkedPackage',
	'linkedPackages',
	'startupMs',
	'env',
] as const;

/** What another process needs to use a running instance (attachN8n): plain data, no processes. */
export type N8nInfo = Pick<N8nHandle, (typeof INFO_KEYS)[number]>;

export function n8nInfo(n8n: N8nHandle): N8nInfo {
	return Object.fromEntries(INFO_KEYS.map((key) => [key, n8n[key]])) as N8nInfo;
}

/**
 * A handle on an instance another process started and owns (the e2e globalSetup's shared one):
 * it talks to it and runs CLI commands on its DB, but stop() leaves it running and kill() refuses.
 */
export function attachN8n(info: N8nInfo): N8nHandle {
	const cwd = installDir(info.version);
	const refuse = async () => {
		throw new Error(
			`${info.name} is shared by several test files: start an own instance to kill it`,
		);
	};
	return {
		...info,
		workerLogPaths: [],
		webhookUrl: (webhookPath: string) =>
			`${info.baseUrl}/webhook/${webhookPath.replace(/^\//, '')}`,
		logTail: (lines?: number) => tail(info.logPath, lines),
		runCli: async (args: string[], timeoutMs = 120_000) =>
			await runCli(info.version, info.env, cwd, args, timeoutMs),
		kill: refuse,
		startWorker: refuse,
		stop: async () => {},
	};
}

/**
 * One n8n CLI command against the same user folder/DB as a running instance. Each is a full n8n
 * boot (~3 s, ~400 MB) and gets its own broker port (docs/n8n-notes.md#pitfall-broker-port).
 * Note: `n8n execute --file` only prints `"--id" has to be set!` and exits 0 (docs/n8n-notes.md#pitfall-execute-file):
 * check stdout, not just the exit code.
 */
async function runCli(
	version: N8nVersion,
	env: NodeJS.ProcessEnv,
	cwd: string,
	args: string[],
	timeoutMs: number,
): Promise<CliResult> {
	const [brokerPort] = await getFreePorts(1);
	const child = spawn(n8nBin(version), args, {
		cwd,
		env: { ...env, N8N_RUNNERS_BROKER_PORT: String(brokerPort) },
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const pgid = child.pid!;
	trackProcessGroup(pgid);
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
	const timer = setTimeout(() => killGroup(pgid, 'SIGKILL'), timeoutMs);
	const code = await new Promise<number | null>((resolve) =>
		child.once('close', (c) => resolve(c)),
	);
	clearTimeout(timer);
	if (isGroupAlive(pgid)) killGroup(pgid, 'SIGKILL');
	untrackProcessGroup(pgid);
	return { code, stdout, stderr };
}
