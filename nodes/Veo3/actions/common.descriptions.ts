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
				'Continue at once with the Task ID; get the video later with Get Details or a Veo3 Trigger',
		},
		{
			name: 'Wait for Callback (Needs a Public URL)',
			value: 'callback',
			description:
				'Pause the workflow until kie.ai reports the video is done; nothing runs meanwhile. Only works when kie.ai can reach your n8n from the internet (WEBHOOK_URL set to a public address).',
		},
		{
			name: 'Wait Until Done (Poll)',
			value: 'poll',
			description:
				'Check every few seconds until the video is ready, then continue. Works everywhere, also on localhost.',
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
			'The workflow pauses here until kie.ai reports every video as done or failed, then continues. Add a Download operation after this node to get the files.',
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
			'How many videos to start per 10 seconds. kie.ai allows 20; raise it only if kie.ai raised your limit.',
	},
	{
		displayName: 'Max Wait Time (Minutes)',
		name: 'maxWaitMinutes',
		type: 'number',
		default: 30,
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		description: `Stop waiting after this long (30 minutes; ${TOOL_MAX_WAIT_MINUTES} when an AI agent uses the node). The video keeps rendering at kie.ai; the item reports a timeout with its Task ID, so you can fetch it later with Get Details.`,
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		default: 15,
		typeOptions: { minValue: 0.05, numberPrecision: 2 },
		description: 'How soon to check the first time; later checks slow down to once a minute',
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
			"A label such as the sheet row, sent back with the result so the Veo3 Trigger knows which row or prompt it belongs to. Also shown in this node's output.",
	},
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'Paste the Production URL of a Veo3 Trigger node',
		description:
			"Where kie.ai sends the result when the video is done, usually a Veo3 Trigger's Production URL. Must be reachable from the internet (not localhost or a private address). Not used with Wait for Callback.",
	},
	{
		displayName: 'Signature Tolerance (Seconds)',
		name: 'signatureToleranceSeconds',
		type: 'number',
		default: 300,
		typeOptions: { minValue: 1 },
		description:
			"Wait for Callback only: how old kie.ai's signed result may be before it is refused. Needs the Webhook HMAC Key in the credential.",
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
	description: 'The Task ID from Generate or Extend',
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
