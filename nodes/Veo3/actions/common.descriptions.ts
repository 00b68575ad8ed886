import type { INodeProperties } from 'n8n-workflow';

import { TOOL_MAX_WAIT_MINUTES } from '../engine/agentTool';
import { spendOptions } from './spend.descriptions';

/** Parameters shared by the operations that create a task and may wait for it (Generate, Extend, Get 4K). */
const waitModeProperty: INodeProperties = {
	displayName: 'Wait Mode',
	name: 'waitMode',
	type: 'options',
	options: [
		{
			name: "Don't Wait",
			value: 'none',
			description:
				'Return the task ID at once; fetch the result later with Get Details or a Veo3 Trigger',
		},
		{
			name: 'Wait for Callback (Frees the Worker)',
			value: 'callback',
			description:
				'Pause the execution until kie.ai calls back; no worker is held while the video renders. n8n must be reachable from the internet (WEBHOOK_URL).',
		},
		{
			name: 'Wait Until Done (Poll)',
			value: 'poll',
			description: 'Check the task periodically until it is finished, then continue',
		},
	],
	default: 'poll',
	description: 'Whether and how to wait for the video to be finished',
};

const taskOutputProperties: INodeProperties[] = [
	{
		displayName: 'Download Video',
		name: 'downloadVideo',
		type: 'boolean',
		default: true,
		description:
			'Whether to put the finished MP4 into a binary field, ready for Google Drive, Slack or YouTube nodes',
		displayOptions: { show: { waitMode: ['poll'], '@tool': [false] } },
	},
	{
		// An AI agent cannot use the file (n8n drops binary data from tool answers): off for the tool.
		displayName: 'Download Video',
		name: 'downloadVideo',
		type: 'boolean',
		default: false,
		description:
			'Whether to also download the finished MP4. The agent gets the video URL either way and cannot use the file itself.',
		displayOptions: { show: { waitMode: ['poll'], '@tool': [true] } },
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyOutput',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the video in',
		displayOptions: { show: { waitMode: ['poll'], downloadVideo: [true] } },
	},
	{
		displayName:
			"The execution pauses until kie.ai calls this execution's resume URL, and continues once every item's task is final. Use a Download operation after this node to get the files.",
		name: 'callbackNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { waitMode: ['callback'] } },
	},
];

/** Waiting and create-limit settings a user may need; the defaults suit kie.ai. */
const waitOptions: INodeProperties[] = [
	{
		displayName: 'Max Creates per Window',
		name: 'rateLimitMax',
		type: 'number',
		default: 20,
		typeOptions: { minValue: 1 },
		description:
			'Client-side limit on new tasks, matching kie.ai (20 per 10 seconds), so batches never hit HTTP 429. Raise it if kie.ai raised your limit.',
	},
	{
		displayName: 'Max Wait Time (Minutes)',
		name: 'maxWaitMinutes',
		type: 'number',
		default: 30,
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		description: `Give up waiting after this long (default 30 minutes; ${TOOL_MAX_WAIT_MINUTES} as an AI agent tool). The task keeps running at kie.ai, and the item reports a timeout with its task ID (an agent is told to check back with Get Details).`,
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		default: 15,
		typeOptions: { minValue: 0.05, numberPrecision: 2 },
		description: 'First delay between status checks; later checks back off up to once a minute',
	},
];

/**
 * Tuning knobs kept out of the UI: the defaults suit kie.ai; tests, benchmarks and workflows
 * imported as JSON may set them (docs/tuning.md). Node-wide, read by every operation.
 */
export const tuningProperties: INodeProperties[] = [
	{
		displayName: 'Read Retries',
		name: 'readRetries',
		type: 'hidden',
		default: 5,
		description:
			'How often a status read is retried after a 429, 455, 5xx or network error. Paid creates are never retried unless kie.ai certainly created nothing.',
	},
	{
		displayName: 'Retry Delay (Ms)',
		name: 'retryDelayMs',
		type: 'hidden',
		default: 1000,
		description: 'First retry delay; it doubles on each retry, with jitter',
	},
	{
		displayName: 'Rate Window (Seconds)',
		name: 'rateLimitWindowSeconds',
		type: 'hidden',
		default: 10,
		description: 'Length of the window for Max Creates per Window',
	},
];

/** Options about callbacks, shared by Generate, Extend and Get 4K. */
export const callbackOptions: INodeProperties[] = [
	{
		displayName: 'Callback Reference',
		name: 'callbackReference',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.row_number }}',
		description:
			'Added to the Callback URL as "ref=…" so the Veo3 Trigger can tell which row or prompt a callback belongs to. Also repeated in this node\'s output.',
	},
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'Paste the Production URL of a Veo3 Trigger node',
		description:
			'Kie.ai POSTs the result here when the video is done. Ignored in "Wait for Callback" mode, which uses this execution\'s own resume URL.',
	},
	{
		displayName: 'Signature Tolerance (Seconds)',
		name: 'signatureToleranceSeconds',
		type: 'number',
		default: 300,
		typeOptions: { minValue: 1 },
		description:
			'Wait for Callback only: how old a signed callback may be before it is refused (needs the webhook HMAC key in the credential)',
	},
];

export const includeRawOption: INodeProperties = {
	displayName: 'Include Raw Response',
	name: 'includeRaw',
	type: 'boolean',
	default: false,
	description: 'Whether to add kie.ai\'s unmodified answer under "raw"',
};

export const taskIdProperty: INodeProperties = {
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. ee9c2715375b7837f8bb51d641ff5863',
	description: 'The taskId returned by Generate or Extend',
};

/** A result file's URL, as Generate and Get Details output it (Download, Get Download Link). */
export const videoUrlProperty: INodeProperties = {
	displayName: 'Video URL',
	name: 'videoUrl',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'https://tempfile.aiquickdraw.com/v/….mp4',
	description: 'A result URL from kie.ai, such as videoUrl of Generate or Get Details',
};

export const videoIndexProperty: INodeProperties = {
	displayName: 'Video Index',
	name: 'videoIndex',
	type: 'number',
	default: 0,
	typeOptions: { minValue: 0 },
	description: 'Which video of the task, counting from 0 (tasks usually have one)',
};

/** Seed and watermark: options of the operations that render a new video (Generate, Extend). */
export const renderOptions: INodeProperties[] = [
	{
		displayName: 'Seed',
		name: 'seed',
		type: 'number',
		default: 12345,
		description: 'Same seed and prompt give similar videos. Whole number from 10000 to 99999.',
	},
	{
		displayName: 'Watermark',
		name: 'watermark',
		type: 'string',
		default: '',
		description: 'Text added to the video as a watermark',
	},
];

/**
 * The Wait Mode, output and Options parameters of every operation that creates a paid task
 * (Generate, Extend, Get 4K): one definition, so the three behave and read alike.
 */
export function taskProperties(operationOptions: INodeProperties[]): INodeProperties[] {
	const options = [...operationOptions, includeRawOption, ...spendOptions, ...waitOptions].sort(
		(a, b) => a.displayName.localeCompare(b.displayName),
	);
	return [
		waitModeProperty,
		...taskOutputProperties,
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options,
		},
	];
}
