import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { ParameterError } from './errors';
import type { RateLimit, RetryPolicy } from './interfaces';
import { waitSettings, type WaitSettings } from './waiting';

export interface TaskSettings {
	wait: WaitSettings;
	retry: RetryPolicy;
	rateLimit: RateLimit;
}

function positive(ctx: IExecuteFunctions, value: unknown, label: string, itemIndex: number, allowZero = false): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
		throw new ParameterError(ctx.getNode(), label, `${JSON.stringify(value)} is not allowed`, allowZero ? 'a number of 0 or more' : 'a number greater than 0', itemIndex);
	}
	return n;
}

/** A hidden tuning parameter (not in the UI; set from workflow JSON), checked like any option. */
function tuning(ctx: IExecuteFunctions, name: string, label: string, fallback: number, itemIndex: number, allowZero = false): number {
	return positive(ctx, ctx.getNodeParameter(name, itemIndex, fallback), label, itemIndex, allowZero);
}

/** Reads and checks the Options collection's waiting settings and the hidden tuning for one item. */
export function readTaskSettings(ctx: IExecuteFunctions, itemIndex: number): TaskSettings {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const interval = positive(ctx, options.pollIntervalSeconds ?? 15, 'Poll Interval (Seconds)', itemIndex);
	const maxWait = positive(ctx, options.maxWaitMinutes ?? 30, 'Max Wait Time (Minutes)', itemIndex);
	const rateMax = positive(ctx, options.rateLimitMax ?? 20, 'Max Creates per Window', itemIndex);
	const rateWindow = tuning(ctx, 'rateLimitWindowSeconds', 'Rate Window (Seconds)', 10, itemIndex);
	return {
		wait: waitSettings(interval, maxWait),
		retry: readRetryPolicy(ctx, itemIndex),
		rateLimit: { maxCreates: Math.floor(rateMax), windowMs: Math.round(rateWindow * 1000) },
	};
}

/** The one retry policy of every request: kie's defaults unless the hidden tuning says otherwise. */
export function readRetryPolicy(ctx: IExecuteFunctions, itemIndex: number): RetryPolicy {
	const retries = tuning(ctx, 'readRetries', 'Read Retries', 5, itemIndex, true);
	const retryDelay = tuning(ctx, 'retryDelayMs', 'Retry Delay (Ms)', 1000, itemIndex);
	return { maxRetries: Math.floor(retries), baseDelayMs: retryDelay, maxDelayMs: Math.max(retryDelay, 30000) };
}
