import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { runsAsTool, TOOL_MAX_WAIT_MINUTES } from '../engine/agentTool';
import { ParameterError } from '../../kie/errors/errors';
import { MAX_TOLERANCE_SECONDS, TOLERANCE_FIELD } from '../../kie/callbacks/callbackRequest';
import type { RateLimit, RetryPolicy } from '../../kie/base/interfaces';
import { waitSettings, type WaitSettings } from '../../kie/records/waiting';

export interface TaskSettings {
	wait: WaitSettings;
	retry: RetryPolicy;
	rateLimit: RateLimit;
}

/** What a numeric option may hold, whatever set it (the editor, an expression, imported JSON). */
interface Range {
	min: number;
	max: number;
	whole?: boolean;
	unit?: string;
}

export const RANGES = {
	pollInterval: { min: 0.05, max: 3600, unit: 'seconds' },
	// kie keeps a task for 14 days; n8n's wait needs a date it can store.
	maxWait: { min: 0.001, max: 20160, unit: 'minutes' },
	rateMax: { min: 1, max: 1000, whole: true },
	rateWindow: { min: 0.1, max: 3600, unit: 'seconds' },
	readRetries: { min: 0, max: 10, whole: true },
	retryDelay: { min: 1, max: 60000, unit: 'ms' },
	tolerance: { min: 1, max: MAX_TOLERANCE_SECONDS, whole: true, unit: 'seconds' },
} satisfies Record<string, Range>;

function allowedText(range: Range): string {
	const kind = range.whole ? 'a whole number' : 'a number';
	return `${kind} from ${range.min} to ${range.max}${range.unit ? ` ${range.unit}` : ''}`;
}

/** A number in range, from a number or numeric text; anything else names the field and the range. */
export function inRange(
	ctx: IExecuteFunctions,
	value: unknown,
	label: string,
	range: Range,
	itemIndex: number,
): number {
	const n =
		typeof value === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(value)
			? Number(value)
			: value;
	const ok =
		typeof n === 'number' &&
		Number.isFinite(n) &&
		n >= range.min &&
		n <= range.max &&
		(!range.whole || Number.isInteger(n));
	if (!ok) {
		const shown =
			typeof value === 'string'
				? JSON.stringify(value.slice(0, 40))
				: String(JSON.stringify(value) ?? value).slice(0, 40);
		throw new ParameterError(
			ctx.getNode(),
			label,
			`${shown} is not allowed`,
			allowedText(range),
			itemIndex,
		);
	}
	return n as number;
}

/** A hidden tuning parameter (not in the UI; set from workflow JSON), checked like any option. */
function tuning(
	ctx: IExecuteFunctions,
	name: string,
	label: string,
	fallback: number,
	range: Range,
	itemIndex: number,
): number {
	return inRange(ctx, ctx.getNodeParameter(name, itemIndex, fallback), label, range, itemIndex);
}

/** Reads and checks the Options collection's waiting settings and the hidden tuning for one item. */
export function readTaskSettings(ctx: IExecuteFunctions, itemIndex: number): TaskSettings {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const interval = inRange(
		ctx,
		options.pollIntervalSeconds ?? 15,
		'Poll Interval (Seconds)',
		RANGES.pollInterval,
		itemIndex,
	);
	const maxWait = inRange(
		ctx,
		options.maxWaitMinutes ?? (runsAsTool(ctx) ? TOOL_MAX_WAIT_MINUTES : 30),
		'Max Wait Time (Minutes)',
		RANGES.maxWait,
		itemIndex,
	);
	const rateMax = inRange(
		ctx,
		options.rateLimitMax ?? 20,
		'Max Creates per Window',
		RANGES.rateMax,
		itemIndex,
	);
	const rateWindow = tuning(
		ctx,
		'rateLimitWindowSeconds',
		'Rate Window (Seconds)',
		10,
		RANGES.rateWindow,
		itemIndex,
	);
	// Checked for every create, so Wait for Callback never parks with a tolerance it cannot use.
	if (options.signatureToleranceSeconds !== undefined)
		inRange(ctx, options.signatureToleranceSeconds, TOLERANCE_FIELD, RANGES.tolerance, itemIndex);
	return {
		wait: waitSettings(interval, maxWait),
		retry: readRetryPolicy(ctx, itemIndex),
		rateLimit: { maxCreates: rateMax, windowMs: Math.round(rateWindow * 1000) },
	};
}

/** The one retry policy of every request: kie's defaults unless the hidden tuning says otherwise. */
export function readRetryPolicy(ctx: IExecuteFunctions, itemIndex: number): RetryPolicy {
	const retries = tuning(ctx, 'readRetries', 'Read Retries', 5, RANGES.readRetries, itemIndex);
	const retryDelay = tuning(
		ctx,
		'retryDelayMs',
		'Retry Delay (Ms)',
		1000,
		RANGES.retryDelay,
		itemIndex,
	);
	return { maxRetries: retries, baseDelayMs: retryDelay, maxDelayMs: Math.max(retryDelay, 30000) };
}
