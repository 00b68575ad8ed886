import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { RateLimit, RetryPolicy } from './interfaces';
import { ParameterError } from './validation';
import { waitSettings, type WaitSettings } from './waiting';

export interface TaskSettings {
	wait: WaitSettings;
	retry: RetryPolicy;
	rateLimit: RateLimit;
}

function positive(ctx: IExecuteFunctions, options: IDataObject, name: string, label: string, fallback: number, itemIndex: number, allowZero = false): number {
	const value = options[name] ?? fallback;
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
		throw new ParameterError(ctx.getNode(), label, `${JSON.stringify(value)} is not allowed`, allowZero ? 'a number of 0 or more' : 'a number greater than 0', itemIndex);
	}
	return n;
}

/** Reads and checks the Options collection's waiting and retry settings for one item. */
export function readTaskSettings(ctx: IExecuteFunctions, itemIndex: number): TaskSettings {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const interval = positive(ctx, options, 'pollIntervalSeconds', 'Poll Interval (Seconds)', 15, itemIndex);
	const maxWait = positive(ctx, options, 'maxWaitMinutes', 'Max Wait Time (Minutes)', 30, itemIndex);
	const retries = positive(ctx, options, 'readRetries', 'Read Retries', 5, itemIndex, true);
	const retryDelay = positive(ctx, options, 'retryDelayMs', 'Retry Delay (Ms)', 1000, itemIndex);
	const rateMax = positive(ctx, options, 'rateLimitMax', 'Max Creates per Window', 20, itemIndex);
	const rateWindow = positive(ctx, options, 'rateLimitWindowSeconds', 'Rate Window (Seconds)', 10, itemIndex);
	return {
		wait: waitSettings(interval, maxWait),
		retry: { maxRetries: Math.floor(retries), baseDelayMs: retryDelay, maxDelayMs: Math.max(retryDelay, 30000) },
		rateLimit: { maxCreates: Math.floor(rateMax), windowMs: Math.round(rateWindow * 1000) },
	};
}

/** Read-only operations have only the retry part of the settings. */
export function readRetryPolicy(ctx: IExecuteFunctions, itemIndex: number): RetryPolicy {
	return readTaskSettings(ctx, itemIndex).retry;
}
