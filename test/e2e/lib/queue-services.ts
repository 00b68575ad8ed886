// Redis + PostgreSQL for n8n queue mode (docs/n8n-notes.md#queue-mode), started on free ports in a temp folder and
// registered for cleanup. Needs Debian's redis-server and postgresql: test/e2e/install-queue.sh.
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { QueueOptions } from './n8n';
import { getFreePorts } from './ports';
import {
	isGroupAlive,
	killGroup,
	registerCleanup,
	trackProcessGroup,
	untrackProcessGroup,
} from './processes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function postgresBinDir(): string {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a))
		: [];
	const dir = versions
		.map((v) => path.join(root, v, 'bin'))
		.find((d) => fs.existsSync(path.join(d, 'postgres')));
	if (!dir)
		throw new Error(
			'PostgreSQL server binaries not found under /usr/lib/postgresql: run test/e2e/install-queue.sh',
		);
	return dir;
}

function which(cmd: string): string | null {
	try {
		return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
	} catch {
		return null;
	}
}

/** PostgreSQL refuses to run as root, so as root its commands run as the `postgres` user. */
function asPostgres(command: string): [string, string[]] {
	return process.getuid?.() === 0
		? ['su', ['postgres', '-s', '/bin/sh', '-c', command]]
		: ['sh', ['-c', command]];
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (check()) return;
		await sleep(200);
	}
	throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

function spawnService(cmd: string, args: string[], logFile: string, tempDir?: string): number {
	const fd = fs.openSync(logFile, 'a');
	const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd] });
	fs.closeSync(fd);
	child.unref();
	trackProcessGroup(child.pid!, tempDir);
	return child.pid!;
}

async function stopService(pgid: number): Promise<void> {
	killGroup(pgid, 'SIGTERM');
	for (let i = 0; i < 50 && isGroupAlive(pgid); i++) await sleep(200);
	killGroup(pgid, 'SIGKILL');
	untrackProcessGroup(pgid);
}

export interface QueueServices {
	/** Pass to startN8n({ queue }). */
	queue: QueueOptions;
	stop(): Promise<void>;
}

/** Starts a throw-away Redis and PostgreSQL (user/database `n8n`, trust auth) on 127.0.0.1. */
export async function startQueueServices(
	options: { workers?: number } = {},
): Promise<QueueServices> {
	const redisServer = which('redis-server');
	if (!redisServer) throw new Error('redis-server not installed: run test/e2e/install-queue.sh');
	const pgBin = postgresBinDir();
	const [redisPort, pgPort] = await getFreePorts(2);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-queue-'));
	const dataDir = path.join(dir, 'pg', 'data');
	const sockDir = path.join(dir, 'pg', 'sock');
	fs.mkdirSync(sockDir, { recursive: true });
	if (process.getuid?.() === 0) {
		// mkdtemp makes the folder 0700 root: the postgres user must be able to traverse it.
		fs.chmodSync(dir, 0o755);
		execFileSync('chown', ['-R', 'postgres', path.join(dir, 'pg')]);
	}

	const pgids: number[] = [];
	const stop = async () => {
		unregister();
		for (const pgid of pgids.reverse()) await stopService(pgid);
		fs.rmSync(dir, { recursive: true, force: true });
	};
	const unregister = registerCleanup('queue services', stop);

	try {
		pgids.push(
			spawnService(
				redisServer,
				['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
				path.join(dir, 'redis.log'),
			),
		);

		const [initCmd, initArgs] = asPostgres(
			`${pgBin}/initdb -D ${dataDir} -U postgres --auth=trust`,
		);
		execFileSync(initCmd, initArgs, { stdio: 'pipe' });
		const [pgCmd, pgArgs] = asPostgres(
			`exec ${pgBin}/postgres -D ${dataDir} -p ${pgPort} -k ${sockDir} -c listen_addresses=127.0.0.1`,
		);
		// Its reaper also removes the temp folder (data dir, logs) if the test process dies.
		pgids.push(spawnService(pgCmd, pgArgs, path.join(dir, 'postgres.log'), dir));

		const psql = (sql: string) =>
			execFileSync(
				'psql',
				[
					'-h',
					'127.0.0.1',
					'-p',
					String(pgPort),
					'-U',
					'postgres',
					'-v',
					'ON_ERROR_STOP=1',
					'-c',
					sql,
				],
				{ stdio: 'pipe' },
			);
		await waitUntil(
			() => {
				try {
					psql('select 1');
					return true;
				} catch {
					return false;
				}
			},
			30_000,
			'postgres',
		);
		// Separate -c calls: CREATE DATABASE cannot run in a multi-statement transaction (docs/n8n-notes.md#queue-mode).
		psql("create user n8n password 'n8n'");
		psql('create database n8n owner n8n');
	} catch (error) {
		await stop();
		throw error;
	}

	return {
		queue: {
			redis: { host: '127.0.0.1', port: redisPort },
			postgres: { host: '127.0.0.1', port: pgPort, database: 'n8n', user: 'n8n', password: 'n8n' },
			workers: options.workers ?? 1,
		},
		stop,
	};
}
