// An n8n 2.x queue-mode cluster for e2e scenarios and benchmarks: Redis + Postgres
// (services.ts), a main (`n8n start`, through lib/startN8n), one webhook processor (`n8n webhook`,
// started here: the lib starts only main and workers) and N workers (lib/startN8n's queue option).
//
// Routing: N8N_WEBHOOK_URL of every process is the webhook processor's URL, so trigger URLs and
// `$execution.resumeUrl` (built on the worker that runs the node) point at it, and main runs with
// N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true so production and waiting webhooks can only be served by
// the webhook processor. Binary data: `database` mode (filesystem is per process, so a worker could
// not read a file another process wrote).
import axios from 'axios';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import type { N8nApi } from '../lib/api';
import { startN8n, type N8nHandle } from '../lib/n8n';
import { installDir, LOGS_DIR, n8nBin } from '../lib/paths';
import { getFreePorts } from '../lib/ports';
import {
	isGroupAlive,
	killGroup,
	registerCleanup,
	trackProcessGroup,
	untrackProcessGroup,
} from '../lib/processes';
import { startQueueServices, type QueueServices } from './services';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WebhookProcessor {
	pid: number;
	port: number;
	/** http://127.0.0.1:<port> */
	baseUrl: string;
	logPath: string;
	stop(): Promise<void>;
}

/** Starts `n8n webhook` on the same DB/Redis/user folder as `main`. */
async function startWebhookProcessor(main: N8nHandle, port: number): Promise<WebhookProcessor> {
	const timeoutMs = 180_000;
	const [brokerPort] = await getFreePorts(1);
	const logPath = path.join(main.userFolder, 'webhook-1.log');
	const env = { ...main.env, N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(brokerPort) };
	const fd = fs.openSync(logPath, 'a');
	const child = spawn(n8nBin(main.version), ['webhook'], {
		cwd: installDir(main.version),
		env,
		detached: true,
		stdio: ['ignore', fd, fd],
	});
	fs.closeSync(fd);
	const pid = child.pid!;
	trackProcessGroup(pid);
	let exited = false;
	const exitedP = new Promise<void>((resolve) =>
		child.once('exit', () => ((exited = true), resolve())),
	);
	const stop = async () => {
		unregister();
		if (!exited) {
			killGroup(pid, 'SIGTERM');
			await Promise.race([exitedP, sleep(15_000)]);
		}
		if (isGroupAlive(pid)) killGroup(pid, 'SIGKILL');
		untrackProcessGroup(pid);
		fs.mkdirSync(LOGS_DIR, { recursive: true });
		if (fs.existsSync(logPath))
			fs.copyFileSync(logPath, path.join(LOGS_DIR, `${main.name}-webhook-1.log`));
	};
	const unregister = registerCleanup(`${main.name} webhook processor`, stop);
	const baseUrl = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (exited) {
			await stop();
			throw new Error(`n8n webhook exited before it was ready:\n${tail(logPath)}`);
		}
		const status = await axios
			.get(`${baseUrl}/healthz/readiness`, {
				timeout: 3000,
				validateStatus: () => true,
				proxy: false,
			})
			.then((r) => r.status)
			.catch(() => 0);
		if (status === 200) break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n webhook not ready in ${timeoutMs} ms:\n${tail(logPath)}`);
		}
		await sleep(250);
	}
	return { pid, port, baseUrl, logPath, stop };
}

function tail(file: string, lines = 40): string {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

// ---- processes of an instance, found through /proc ----------------------------------------------

interface N8nProcess {
	pid: number;
	ppid: number;
	/** 'start' | 'worker' | 'webhook' for n8n processes; 'runner' for a task-runner child. */
	role: string;
	/** Where its stdout goes (the lib writes each process's log there). */
	stdout: string;
}

function readProc(
	pid: number,
): { ppid: number; cmdline: string[]; environ: string[]; stdout: string } | null {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
		const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
		const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
		let stdout = '';
		try {
			stdout = fs.readlinkSync(`/proc/${pid}/fd/1`);
		} catch {
			// no fd 1
		}
		return { ppid, cmdline, environ, stdout };
	} catch {
		return null;
	}
}

/** n8n processes (main, workers, webhook processors) using `userFolder`, plus their direct children (task runners). */
export function findN8nProcesses(userFolder: string): N8nProcess[] {
	const all = fs
		.readdirSync('/proc')
		.filter((d) => /^\d+$/.test(d))
		.map(Number)
		.map((pid) => ({ pid, info: readProc(pid) }))
		.filter(
			(p): p is { pid: number; info: NonNullable<ReturnType<typeof readProc>> } => p.info !== null,
		);
	const roots = all.filter(
		(p) =>
			p.info.environ.includes(`N8N_USER_FOLDER=${userFolder}`) &&
			p.info.cmdline.some((a) => a.endsWith('/n8n')),
	);
	const rootPids = new Set(roots.map((r) => r.pid));
	const out: N8nProcess[] = roots.map((r) => ({
		pid: r.pid,
		ppid: r.info.ppid,
		role: ['start', 'worker', 'webhook'].find((c) => r.info.cmdline.includes(c)) ?? 'n8n',
		stdout: r.info.stdout,
	}));
	for (const p of all) {
		if (rootPids.has(p.info.ppid) && !rootPids.has(p.pid))
			out.push({ pid: p.pid, ppid: p.info.ppid, role: 'runner', stdout: p.info.stdout });
	}
	return out;
}

/** VmRSS in bytes of one process (0 when it is gone). */
export function rssBytes(pid: number): number {
	try {
		const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) * 1024 : 0;
	} catch {
		return 0;
	}
}

// ---- activation without main's production webhooks ----------------------------------------------

/**
 * Activates a workflow and waits until `probeUrls` (production webhook URLs on the webhook
 * processor) answer the CORS preflight. lib's activateWorkflow() probes main, which doesn't serve
 * production webhooks in this cluster.
 */
export async function activateOn(
	api: N8nApi,
	workflowId: string,
	probeUrls: string[],
): Promise<void> {
	let res = await api.publicApiRaw('POST', `/workflows/${workflowId}/activate`);
	if (res.status === 404 || res.status === 405)
		res = await api.publicApiRaw('POST', `/workflows/${workflowId}/publish`);
	if (res.status < 200 || res.status >= 300)
		throw new Error(
			`activate ${workflowId}: HTTP ${res.status} ${JSON.stringify(res.data).slice(0, 300)}`,
		);
	const deadline = Date.now() + 30_000;
	for (const url of probeUrls) {
		let last = 0;
		while (Date.now() < deadline) {
			last = await axios
				.request({
					method: 'OPTIONS',
					url,
					timeout: 5000,
					validateStatus: () => true,
					proxy: false,
					headers: { origin: 'http://127.0.0.1', 'access-control-request-method': 'POST' },
				})
				.then((r) => r.status)
				.catch(() => 0);
			if (last >= 200 && last < 300) break;
			await sleep(100);
		}
		if (last < 200 || last >= 300)
			throw new Error(`${url} not registered after activation (last ${last})`);
	}
}

// ---- the whole cluster ------------------------------------------------------------------------

export interface QueueCluster {
	services: QueueServices;
	main: N8nHandle;
	webhook: WebhookProcessor;
	/** Base of production (/webhook/) and waiting (/webhook-waiting/) URLs: the webhook processor. */
	webhookBaseUrl: string;
	workerLogPaths: string[];
	/** The pid (= process group) of worker i (0-based), found through its log file. */
	workerPid(i: number): number | undefined;
	/** SIGKILL to worker i and its task runner, like an OOM kill or a lost node. */
	killWorker(i: number): number;
	/** Starts a killed worker i again, on its ports, appending to its log. */
	restartWorker(i: number): Promise<void>;
	/** Worker index whose log says it started execution `executionId`, all such indexes. */
	workersThatRan(executionId: string): number[];
	stop(): Promise<void>;
}

export async function startQueueCluster(
	options: {
		workers?: number;
		workerConcurrency?: number;
		env?: Record<string, string | undefined>;
		name?: string;
	} = {},
): Promise<QueueCluster> {
	const workers = options.workers ?? 2;
	const services = await startQueueServices({ workers });
	let main: N8nHandle | undefined;
	let webhook: WebhookProcessor | undefined;
	try {
		const [webhookPort] = await getFreePorts(1);
		const webhookBaseUrl = `http://127.0.0.1:${webhookPort}`;
		main = await startN8n({
			version: 'v2',
			name: options.name ?? 'n8n-v2-queue',
			queue: { ...services.queue, workers, workerConcurrency: options.workerConcurrency ?? 5 },
			env: {
				N8N_WEBHOOK_URL: `${webhookBaseUrl}/`,
				N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
				N8N_DEFAULT_BINARY_DATA_MODE: 'database',
				// The multi-main/queue setup logs job ids; keep the execution lines ("Worker started execution").
				N8N_LOG_LEVEL: 'info',
				...options.env,
			},
		});
		webhook = await startWebhookProcessor(main, webhookPort);
		const m = main;
		const wh = webhook;
		const workerPid = (i: number) =>
			findN8nProcesses(m.userFolder).find(
				(p) => p.role === 'worker' && p.stdout === m.workerLogPaths[i],
			)?.pid;
		return {
			services,
			main: m,
			webhook: wh,
			webhookBaseUrl,
			workerLogPaths: m.workerLogPaths,
			workerPid,
			killWorker: (i: number) => {
				const pid = workerPid(i);
				if (!pid) throw new Error(`worker ${i} not found`);
				killGroup(pid, 'SIGKILL');
				return pid;
			},
			restartWorker: async (i: number) => await m.startWorker(i),
			workersThatRan: (executionId: string) =>
				m.workerLogPaths
					.map((log, i) => ({ i, text: fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '' }))
					.filter(({ text }) => new RegExp(`started execution ${executionId}\\b`).test(text))
					.map(({ i }) => i),
			stop: async () => {
				await wh.stop();
				await m.stop();
				await services.stop();
			},
		};
	} catch (error) {
		await webhook?.stop();
		await main?.stop();
		await services.stop();
		throw error;
	}
}
