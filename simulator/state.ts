/**
 * Everything the simulator remembers between requests, in one place, so `reset()` is obviously
 * complete: config, credits, tasks, counters, rate-limit window, random streams, logs, uploads and
 * download links.
 */
import {
	mergeConfig,
	PROFILES,
	type ConfigPatch,
	type ProfileTimings,
	type SimulatorConfig,
} from './config';
import { namedRng, type Rng } from './random';
import { Scheduler } from './scheduler';
import type { Task } from './types';

export interface Counters {
	/** generate + extend tasks created. */
	tasksCreated: number;
	/** Requests to a create endpoint (generate, extend, 4K) that created nothing. */
	createsRejected: number;
	/** 429 answers (window limit and injected bursts). */
	rateLimited: number;
	/** 1080p / 4K upgrade jobs started (each charged once). */
	hd1080Jobs: number;
	fourKJobs: number;
	/** Callback HTTP attempts (every try, retries included). */
	callbacksSent: number;
	/** Callbacks acknowledged with 2xx. */
	callbacksDelivered: number;
	/** Callbacks given up on after the last retry. */
	callbacksFailed: number;
	/** Callbacks skipped by the drop fault. */
	callbacksDropped: number;
	/** Callbacks sent a second time by the duplicate fault. */
	callbacksDuplicated: number;
	faults: {
		http500: number;
		slow: number;
		burst429: number;
		outageDrops: number;
		createResets: number;
	};
	/** Requests per endpoint, keyed "METHOD /path". */
	requests: Record<string, number>;
	/** Bytes of file bodies handed to sockets (grows only as fast as clients read, thanks to backpressure). */
	fileBytesServed: number;
	creditsSpent: number;
	credits: number;
}

export interface RequestLogEntry {
	time: string;
	method: string;
	path: string;
	endpoint: string;
	status: number;
	/** Envelope `code`, when the answer was a kie envelope. */
	code: number | null;
}

export interface CallbackLogEntry {
	time: string;
	url: string;
	taskId: string;
	kind: 'generation' | '4k';
	attempt: number;
	/** HTTP status from the receiver, or null on a network error / timeout. */
	status: number | null;
	error: string | null;
	code: number;
}

interface StoredUpload {
	/** When it was stored: kie deletes uploads 24 h later (config uploadTtlMs). */
	storedAt: number;
	bytes: Buffer;
	mimeType: string;
	fileName: string;
}

interface DownloadLink {
	/** Path under /files of the target. */
	target: string;
	expiresAt: number;
}

/** Random streams; each decision kind draws from its own (see random.ts). */
interface Streams {
	/** Default `seeds` of tasks that did not send one. */
	seeds: Rng;
	timing: Rng;
	http500: Rng;
	slow: Rng;
	burst: Rng;
	drop: Rng;
	duplicate: Rng;
	reset: Rng;
}

const CALLBACK_LOG_SIZE = 200;

function emptyCounters(credits: number): Counters {
	return {
		tasksCreated: 0,
		createsRejected: 0,
		rateLimited: 0,
		hd1080Jobs: 0,
		fourKJobs: 0,
		callbacksSent: 0,
		callbacksDelivered: 0,
		callbacksFailed: 0,
		callbacksDropped: 0,
		callbacksDuplicated: 0,
		faults: { http500: 0, slow: 0, burst429: 0, outageDrops: 0, createResets: 0 },
		requests: {},
		fileBytesServed: 0,
		creditsSpent: 0,
		credits,
	};
}

export class SimState {
	config: SimulatorConfig;
	/** What reset() returns to: the options the simulator was started with. */
	startupConfig: SimulatorConfig;
	credits: number;
	readonly tasks = new Map<string, Task>();
	counters: Counters;
	rng!: Streams;
	/** Injected 429 burst: how many more in-scope requests still get 429. */
	burstRemaining = 0;
	/** Times of accepted creates inside the sliding window (docs/kie-api.md#limits). */
	createTimes: number[] = [];
	/** Jobs API read limits: answered recordInfo calls per task, and discovery calls (limits.ts). */
	recordInfoTimes = new Map<string, number[]>();
	discoveryTimes: number[] = [];
	/** Until this time every non-control request has its socket destroyed. */
	outageUntil = 0;
	requestLog: RequestLogEntry[] = [];
	callbackLog: CallbackLogEntry[] = [];
	readonly uploads = new Map<string, StoredUpload>();
	readonly downloads = new Map<string, DownloadLink>();
	readonly scheduler = new Scheduler();
	/** Local listening URL, set once the server listens. */
	localUrl = '';
	readonly startedAt = Date.now();
	/** Last unexpected handler error (shown by /__sim/health), for debugging the simulator itself. */
	lastError: string | null = null;

	constructor(config: SimulatorConfig) {
		this.startupConfig = structuredClone(config);
		this.config = structuredClone(config);
		this.credits = config.credits;
		this.counters = emptyCounters(config.credits);
		this.reseed();
	}

	/** Base of every URL the simulator hands out (results, uploads, download links). */
	get publicUrl(): string {
		return (this.config.publicUrl ?? this.localUrl).replace(/\/+$/, '');
	}

	get timings(): ProfileTimings {
		return PROFILES[this.config.profile];
	}

	reseed(): void {
		const { seed } = this.config;
		const faultSeed = this.config.faults.seed;
		this.rng = {
			seeds: namedRng(seed, 'seeds'),
			timing: namedRng(seed, 'timing'),
			http500: namedRng(faultSeed, 'http500'),
			slow: namedRng(faultSeed, 'slow'),
			burst: namedRng(faultSeed, 'burst'),
			drop: namedRng(faultSeed, 'drop'),
			duplicate: namedRng(faultSeed, 'duplicate'),
			reset: namedRng(faultSeed, 'reset'),
		};
	}

	/** Merge a partial config. Setting `credits` also sets the balance; changing a seed restarts its streams. */
	configure(patch: ConfigPatch): SimulatorConfig {
		const before = this.config;
		// host and port are fixed once listening.
		this.config = mergeConfig(before, { ...patch, host: before.host, port: before.port });
		if (patch.credits !== undefined) this.credits = patch.credits;
		if (this.config.seed !== before.seed || this.config.faults.seed !== before.faults.seed)
			this.reseed();
		return this.config;
	}

	/** Back to startup: no tasks, zero counters, initial credits, startup config, fresh random streams. */
	reset(): void {
		this.scheduler.cancelAll();
		this.config = structuredClone(this.startupConfig);
		this.credits = this.config.credits;
		this.tasks.clear();
		this.counters = emptyCounters(this.credits);
		this.burstRemaining = 0;
		this.createTimes = [];
		this.recordInfoTimes.clear();
		this.discoveryTimes = [];
		this.outageUntil = 0;
		this.requestLog = [];
		this.callbackLog = [];
		this.uploads.clear();
		this.downloads.clear();
		this.lastError = null;
		this.reseed();
	}

	/** Deduct credits if the balance allows; false (and nothing deducted) otherwise (docs/kie-api.md#prices → 402). */
	charge(amount: number): boolean {
		if (this.credits < amount) return false;
		this.credits -= amount;
		this.counters.creditsSpent += amount;
		return true;
	}

	snapshotCounters(): Counters {
		return { ...structuredClone(this.counters), credits: this.credits };
	}

	logRequest(entry: RequestLogEntry): void {
		this.requestLog.push(entry);
		const excess = this.requestLog.length - this.config.requestLogSize;
		if (excess > 0) this.requestLog.splice(0, excess);
	}

	logCallback(entry: CallbackLogEntry): void {
		this.callbackLog.push(entry);
		if (this.callbackLog.length > CALLBACK_LOG_SIZE) this.callbackLog.shift();
	}

	countRequest(endpoint: string): void {
		this.counters.requests[endpoint] = (this.counters.requests[endpoint] ?? 0) + 1;
	}
}
