/**
 * Simulator configuration: the type, the defaults, the two time profiles and the merge rule used by
 * `startSimulator(opts)`, `POST /__sim/config` and `--flags`.
 *
 * Doc conflicts are resolved here as *switches* rather than choices: wherever the kie.ai docs
 * (docs/kie-api.md) shows two output variants, there is a config field to emit either one.
 */

export type Profile = 'fast' | 'realistic';
export type Outcome =
	| 'success'
	| 'content-policy'
	| 'fail'
	| 'flow-rejected'
	| 'fallback'
	| 'timeout';
export const OUTCOMES: readonly Outcome[] = [
	'success',
	'content-policy',
	'fail',
	'flow-rejected',
	'fallback',
	'timeout',
];

/** Which endpoints a fault applies to. reads = record-info, 1080p, credit, download-url. */
export type FaultScope = 'reads' | 'creates' | 'all';
/** How URL lists are encoded. docs/kie-api.md#record-fields, docs/kie-api.md#callback-body, where the kie.ai pages disagree: arrays, JSON-encoded strings and plain strings all occur. */
export type UrlFormat = 'array' | 'json-string' | 'string';

export interface FaultConfig {
	/** Seed for every fault decision (mulberry32), so a run with the same seed repeats exactly. */
	seed: number;
	/** Answer HTTP 500 (docs/kie-api.md#conventions: G3 error body) to this fraction of requests in scope. */
	http500: { rate: number; scope: FaultScope };
	/**
	 * Only for creates: when true an injected 500 is sent AFTER the task was created and charged,
	 * so a client that blindly retries would pay twice. When false (default) nothing is created.
	 */
	create500AfterCommit: boolean;
	/**
	 * Fraction of accepted creates whose connection is reset after the task was created and charged
	 * (a proxy or network dropping the answer): the client sees ECONNRESET, the task exists.
	 */
	createResetAfterCommitRate: number;
	/** Delay this fraction of responses in scope by `ms`. */
	slow: { rate: number; ms: number; scope: FaultScope };
	/** With probability `rate` a burst starts: this and the next `length - 1` requests in scope get 429. */
	burst429: { rate: number; length: number; scope: FaultScope };
	/** Fraction of callbacks never sent. */
	dropCallbackRate: number;
	/** Fraction of callbacks delivered twice (docs/kie-api.md#callback-delivery: "the same taskId may be delivered more than once"). */
	duplicateCallbackRate: number;
}

export interface SimulatorConfig {
	host: string;
	/** 0 = pick a free port. */
	port: number;
	/** Base URL put into result/download URLs; default `http://<host>:<port>` (for Docker set it explicitly). */
	publicUrl: string | null;
	apiKey: string;
	/** When set, callbacks carry X-Webhook-Timestamp / X-Webhook-Signature (docs/kie-api.md#callback-signature). */
	hmacKey: string | null;
	profile: Profile;
	/** Initial credit balance. Setting it through `configure()` also sets the current balance. */
	credits: number;
	/** Seed for realistic render times and default task seeds (ids are always unique). */
	seed: number;

	/** Explicit render time for generate/extend tasks, overriding the profile. */
	renderMs: number | null;
	/** 1080p: answer "processing" (code 400) this many times, then the URL. Overrides hd1080Ms. */
	hd1080Calls: number | null;
	/** 1080p: answer "processing" until this long after the first 1080p request (null = profile). */
	hd1080Ms: number | null;
	/** 4K render time (null = profile). */
	fourKMs: number | null;
	/** Force every new task to this outcome (prompt markers are ignored while set). */
	forceOutcome: Outcome | null;
	/** Outcome of 4K jobs; 'fail' emits the failure callback (docs/kie-api.md#callback-4k; code 500). */
	fourKOutcome: 'success' | 'fail';
	/**
	 * How many times one video may be extended (extend of extend …): the next extend answers 422.
	 * kie.ai documents no limit; 20 is Google's Veo limit (docs/kie-api.md#extend). The message is ours.
	 */
	maxExtensions: number;

	/** docs/kie-api.md#limits: 20 creates per 10 s. */
	rateLimit: { max: number; windowMs: number; httpStatus: number };
	maintenance: boolean;
	/** Every /api/v1/veo/* endpoint answers like a removed route (HTTP 404), as the day kie retires them. */
	veoRetired: boolean;
	/** Every API request answers code 433: the key's sub-key usage limit is reached. */
	subKeyLimited: boolean;
	/** Jobs API: recordInfo calls allowed per task per second (kie: 10). */
	recordInfoPerTaskPerSecond: number;
	/** Jobs API: models/price/schema/success-rate calls per second, one budget for all four (kie: 1). */
	discoveryPerSecond: number;
	/** success-rate: report this rate (0–1) for the last hour instead of the one measured from tasks. */
	successRateOverride: number | null;
	/** success-rate figures as percentages (0–100) or fractions (0–1): kie does not document the unit. */
	successRateScale: 'percent' | 'fraction';
	/** Uploaded files are deleted this long after the upload (kie: 24 h). */
	uploadTtlMs: number;
	/** docs/kie-api.md#retention, docs/kie-api.md#record-codes: "Temporarily supports records within 14 days." */
	retentionDays: number;
	/** docs/kie-api.md#download-url: download-url links live 20 minutes. */
	downloadUrlTtlMs: number;

	/** record-info time fields. docs/kie-api.md#record-fields, where the kie.ai pages disagree: epoch ms numbers vs "2025-06-06 10:30:00" strings. */
	timeFormat: 'epoch' | 'string';
	/** record-info response.resultUrls/originUrls/fullResultUrls encoding (docs/kie-api.md#record-fields). */
	recordUrlFormat: UrlFormat;
	/** 'legacy' = G0 quickstart shape: data.status + data.resultUrls JSON string (legacy, docs/kie-api.md#record-fields). */
	recordShape: 'current' | 'legacy';

	/** Callback data.info.resultUrls/originUrls encoding (docs/kie-api.md#callback-body, where the kie.ai pages disagree). */
	callbackUrlFormat: UrlFormat;
	/** docs/kie-api.md#callback-body, where the kie.ai pages disagree: promptJson as object (G2 export) or JSON string (current page). */
	callbackPromptJson: 'object' | 'string';
	/** docs/kie-api.md#callback-signature, where the kie.ai pages disagree: Veo callbacks use data.taskId, the webhook guide reads data.task_id. */
	callbackTaskIdKey: 'taskId' | 'task_id';
	/** docs/kie-api.md#callback-4k, where the kie.ai pages disagree: 4K callback shape of the callback page ('page') or of the OpenAPI schema ('openapi'). */
	fourKCallbackShape: 'page' | 'openapi';
	/**
	 * docs/kie-api.md#get-4k leaves open which task id a 4K request answers with: 'source' echoes the
	 * original task (the docs' example, and this simulator's default); 'new' gives the 4K render a
	 * task id of its own, readable with record-info (no fallbackFlag, resolution 4k, mediaIds) and
	 * named by its callback, as kie's record-info page describes 4K upgrade tasks.
	 */
	fourKTaskId: 'source' | 'new';
	/** docs/kie-api.md#callback-delivery: 15 s. */
	callbackTimeoutMs: number;
	/** docs/kie-api.md#callback-delivery: "after 3 consecutive retry failures the system stops" → 1 attempt + 3 retries. */
	callbackRetries: number;
	/** Delay between callback retries (undocumented; null = profile). */
	callbackRetryDelayMs: number | null;

	faults: FaultConfig;

	/** Make every video result file of new tasks a generated stream of this many bytes (benchmarks). */
	largeResultBytes: number | null;
	/** docs/kie-api.md#uploads: url upload recommended max 100 MB; also caps stream/base64 uploads. */
	maxUploadBytes: number;
	/** docs/kie-api.md#uploads: remote download timeout 30 s. */
	urlUploadTimeoutMs: number;
	/** How many requests GET /__sim/requests keeps. */
	requestLogSize: number;
}

export interface ProfileTimings {
	/** Inclusive range for generate/extend render time; realistic picks a seeded value in it. */
	renderMs: [number, number];
	hd1080Ms: [number, number];
	fourKMs: [number, number];
	callbackRetryDelayMs: number;
}

const MINUTE = 60_000;

/** Two timing profiles: `fast` keeps everything sub-second (tests), `realistic` follows docs/kie-api.md#timing, docs/kie-api.md#get-1080p, docs/kie-api.md#get-4k. */
export const PROFILES: Record<Profile, ProfileTimings> = {
	fast: {
		renderMs: [300, 300],
		hd1080Ms: [200, 200],
		fourKMs: [300, 300],
		callbackRetryDelayMs: 100,
	},
	// docs/kie-api.md#timing: 2–5 min; docs/kie-api.md#get-1080p: 1–3 min; docs/kie-api.md#get-4k: 5–10 min. Retry interval is undocumented (docs/kie-api.md#callback-delivery): 10 s is a guess.
	realistic: {
		renderMs: [2 * MINUTE, 5 * MINUTE],
		hd1080Ms: [1 * MINUTE, 3 * MINUTE],
		fourKMs: [5 * MINUTE, 10 * MINUTE],
		callbackRetryDelayMs: 10_000,
	},
};

/** `[slow]` prompt marker multiplier. */
export const SLOW_FACTOR = 5;

export function defaultConfig(): SimulatorConfig {
	return {
		host: '127.0.0.1',
		port: 0,
		publicUrl: null,
		apiKey: 'sim-key',
		hmacKey: null,
		profile: 'fast',
		credits: 10_000,
		seed: 1,
		renderMs: null,
		hd1080Calls: null,
		hd1080Ms: null,
		fourKMs: null,
		forceOutcome: null,
		fourKOutcome: 'success',
		maxExtensions: 20,
		rateLimit: { max: 20, windowMs: 10_000, httpStatus: 200 },
		maintenance: false,
		veoRetired: false,
		subKeyLimited: false,
		recordInfoPerTaskPerSecond: 10,
		discoveryPerSecond: 1,
		successRateOverride: null,
		successRateScale: 'percent',
		uploadTtlMs: 24 * 60 * MINUTE,
		retentionDays: 14,
		downloadUrlTtlMs: 20 * MINUTE,
		timeFormat: 'epoch',
		recordUrlFormat: 'array',
		recordShape: 'current',
		callbackUrlFormat: 'array',
		callbackPromptJson: 'object',
		callbackTaskIdKey: 'taskId',
		fourKCallbackShape: 'page',
		fourKTaskId: 'source',
		callbackTimeoutMs: 15_000,
		callbackRetries: 3,
		callbackRetryDelayMs: null,
		faults: {
			seed: 1,
			http500: { rate: 0, scope: 'reads' },
			create500AfterCommit: false,
			createResetAfterCommitRate: 0,
			slow: { rate: 0, ms: 0, scope: 'all' },
			burst429: { rate: 0, length: 3, scope: 'creates' },
			dropCallbackRate: 0,
			duplicateCallbackRate: 0,
		},
		largeResultBytes: null,
		maxUploadBytes: 100 * 1024 * 1024,
		urlUploadTimeoutMs: 30_000,
		requestLogSize: 500,
	};
}

/** Partial config where nested objects may be partial too. */
export type ConfigPatch = Partial<Omit<SimulatorConfig, 'faults' | 'rateLimit'>> & {
	faults?: Partial<Omit<FaultConfig, 'http500' | 'slow' | 'burst429'>> & {
		http500?: Partial<FaultConfig['http500']>;
		slow?: Partial<FaultConfig['slow']>;
		burst429?: Partial<FaultConfig['burst429']>;
	};
	rateLimit?: Partial<SimulatorConfig['rateLimit']>;
};

/** Deep-merge a patch (one level of nesting is all the config has) into a copy of `base`. */
export function mergeConfig(
	base: SimulatorConfig,
	patch: ConfigPatch | undefined,
): SimulatorConfig {
	const out: SimulatorConfig = structuredClone(base);
	if (!patch) return out;
	for (const [key, value] of Object.entries(patch)) {
		if (value === undefined) continue;
		if (key === 'faults' || key === 'rateLimit') continue;
		(out as unknown as Record<string, unknown>)[key] = value;
	}
	if (patch.rateLimit) Object.assign(out.rateLimit, stripUndefined(patch.rateLimit));
	const f = patch.faults;
	if (f) {
		const { http500, slow, burst429, ...flat } = f;
		Object.assign(out.faults, stripUndefined(flat));
		if (http500) Object.assign(out.faults.http500, stripUndefined(http500));
		if (slow) Object.assign(out.faults.slow, stripUndefined(slow));
		if (burst429) Object.assign(out.faults.burst429, stripUndefined(burst429));
	}
	return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
	return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Config as shown over HTTP: secrets are never echoed, only whether they are set. */
export function redactConfig(c: SimulatorConfig): Record<string, unknown> {
	return { ...c, apiKey: '(set)', hmacKey: c.hmacKey ? '(set)' : null };
}

/** Allowed values of the string-enum settings (checked by validatePatch). */
const ENUMS: Record<string, readonly (string | null)[]> = {
	profile: ['fast', 'realistic'],
	forceOutcome: [...OUTCOMES, null],
	fourKOutcome: ['success', 'fail'],
	timeFormat: ['epoch', 'string'],
	recordUrlFormat: ['array', 'json-string', 'string'],
	callbackUrlFormat: ['array', 'json-string', 'string'],
	recordShape: ['current', 'legacy'],
	callbackPromptJson: ['object', 'string'],
	callbackTaskIdKey: ['taskId', 'task_id'],
	fourKCallbackShape: ['page', 'openapi'],
	fourKTaskId: ['source', 'new'],
	successRateScale: ['percent', 'fraction'],
	scope: ['reads', 'creates', 'all'],
};

/** Settings whose default is null but which take a value of this type. */
const NULLABLE: Record<string, 'string' | 'number'> = {
	publicUrl: 'string',
	hmacKey: 'string',
	renderMs: 'number',
	hd1080Calls: 'number',
	hd1080Ms: 'number',
	fourKMs: 'number',
	forceOutcome: 'string',
	callbackRetryDelayMs: 'number',
	largeResultBytes: 'number',
	successRateOverride: 'number',
};

/**
 * Reject unknown keys and wrongly typed values (types are taken from the defaults), so a typo in a
 * test's configure() call fails loudly instead of silently doing nothing. Returns an error or null.
 */
export function validatePatch(
	patch: unknown,
	defaults: unknown = defaultConfig(),
	where = '',
): string | null {
	if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
		return `${where || 'config'} must be an object`;
	const base = defaults as Record<string, unknown>;
	for (const [key, value] of Object.entries(patch)) {
		const name = where + key;
		if (!(key in base)) return `unknown setting ${name}`;
		if (value === undefined) continue;
		const def = base[key];
		if (typeof def === 'object' && def !== null) {
			const nested = validatePatch(value, def, `${name}.`);
			if (nested) return nested;
			continue;
		}
		const expected = def === null ? NULLABLE[key] : typeof def;
		if (value === null ? !(key in NULLABLE) : typeof value !== expected) {
			return `${name} must be ${expected === undefined ? 'null' : `a ${expected}`}${key in NULLABLE ? ' or null' : ''}`;
		}
		if (typeof value === 'number' && (!Number.isFinite(value) || value < 0))
			return `${name} must be a non-negative number`;
		if (key in ENUMS && !ENUMS[key].includes(value as string | null)) {
			return `${name} must be one of ${ENUMS[key].map(String).join(', ')}`;
		}
	}
	return null;
}
