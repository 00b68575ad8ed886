/**
 * In-process entry point for tests and scripts:
 *
 *   const sim = await startSimulator({ hmacKey: 'k' });   // fast profile, free port
 *   ... axios against sim.url / sim.uploadUrl ...
 *   await sim.stop();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	defaultConfig,
	mergeConfig,
	validatePatch,
	type ConfigPatch,
	type SimulatorConfig,
} from './config';
import { taskView, type TaskView } from './control';
import { UPLOAD_PREFIX } from './router';
import { requestHandler } from './server';
import { SimState, type CallbackLogEntry, type Counters, type RequestLogEntry } from './state';

export { signCallback } from './signing';
export type {
	ConfigPatch,
	SimulatorConfig,
	Outcome,
	Profile,
	FaultScope,
	UrlFormat,
} from './config';
export type { TaskView } from './control';
export type { Counters, RequestLogEntry, CallbackLogEntry } from './state';

export interface RunningSimulator {
	/** API base URL, e.g. http://127.0.0.1:8787 */
	url: string;
	/** Upload API base URL: `${url}/upload` */
	uploadUrl: string;
	/** Control API base URL: `${url}/__sim` */
	controlUrl: string;
	port: number;
	/** Current effective config (a copy). */
	readonly config: SimulatorConfig;
	counters(): Counters;
	/** Clear tasks, counters, logs, uploads; credits and config back to startup values. */
	reset(): void;
	/** Merge a partial config; returns the effective config. Throws on unknown/mistyped settings. */
	configure(partial: ConfigPatch): SimulatorConfig;
	tasks(): TaskView[];
	task(id: string): TaskView | undefined;
	requests(): RequestLogEntry[];
	callbacks(): CallbackLogEntry[];
	/** Close the server, cancel timers, abort pending callbacks. */
	stop(): Promise<void>;
}

/** 0.0.0.0 / :: are listen addresses, not something a client can be told to call. */
function clientHost(host: string): string {
	if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
	return host.includes(':') ? `[${host}]` : host;
}

export async function startSimulator(opts: ConfigPatch = {}): Promise<RunningSimulator> {
	const error = validatePatch(opts);
	if (error) throw new Error(`startSimulator: ${error}`);
	const config = mergeConfig(defaultConfig(), opts);
	const state = new SimState(config);
	const server = http.createServer(requestHandler(state));

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	// Port 0 resolved: remember the real one, so reset() keeps it and URLs are right.
	state.startupConfig.port = port;
	state.config.port = port;
	const url = `http://${clientHost(config.host)}:${port}`;
	state.localUrl = url;

	let stopped: Promise<void> | null = null;
	return {
		url,
		uploadUrl: `${url}${UPLOAD_PREFIX}`,
		controlUrl: `${url}/__sim`,
		port,
		get config() {
			return structuredClone(state.config);
		},
		counters: () => state.snapshotCounters(),
		reset: () => state.reset(),
		configure: (partial) => {
			const err = validatePatch(partial);
			if (err) throw new Error(`configure: ${err}`);
			return structuredClone(state.configure(partial));
		},
		tasks: () => [...state.tasks.values()].map((t) => taskView(state, t)),
		task: (id) => {
			const t = state.tasks.get(id);
			return t ? taskView(state, t) : undefined;
		},
		requests: () => structuredClone(state.requestLog),
		callbacks: () => structuredClone(state.callbackLog),
		stop: () => {
			stopped ??= new Promise<void>((resolve) => {
				state.scheduler.shutdown();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return stopped;
		},
	};
}
