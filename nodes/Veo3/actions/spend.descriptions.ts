import type { INodeProperties } from 'n8n-workflow';

/** Spending options of the operations that create a paid task (Generate, Extend, Get 4K). */
export const spendOptions: INodeProperties[] = [
	{
		displayName: 'Check Balance First',
		name: 'checkBalanceFirst',
		type: 'options',
		options: [
			{
				name: 'For Batches of 2+ Items',
				value: 'batches',
				description: 'One free balance check when 2 or more videos are made',
			},
			{ name: 'Always', value: 'always' },
			{
				name: 'Never',
				value: 'never',
				description: 'Start every video; kie.ai refuses each one it cannot pay for',
			},
		],
		default: 'batches',
		description:
			'Whether to look at your kie.ai balance (free) first, and start nothing when it cannot pay for every video',
	},
	{
		displayName: 'Deduplicate By',
		name: 'deduplicateBy',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.row_number }}',
		description:
			"A key per item, such as the sheet's row ID or the prompt. An item whose key this node already made a video for (within the Reuse Window) gets that video again instead of a new paid one, marked reused. Only the active (production) workflow remembers keys; test runs don't.",
	},
	{
		displayName: 'Max Credits per Execution',
		name: 'maxCreditsPerExecution',
		type: 'number',
		default: 1000,
		typeOptions: { minValue: 0 },
		description:
			'Start nothing when this run would spend more credits than this, counting what this node already spent in the same run (for example earlier rounds of a loop). 1 credit is about $0.005. Not added: no limit.',
	},
	{
		displayName: 'Reuse Window (Days)',
		name: 'reuseWindowDays',
		type: 'number',
		default: 14,
		typeOptions: { minValue: 0, maxValue: 14, numberPrecision: 3 },
		description:
			'With Deduplicate By: for how many days a video is reused. kie.ai keeps videos for 14 days.',
	},
];
