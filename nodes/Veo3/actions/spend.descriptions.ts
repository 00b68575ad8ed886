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
				description: 'One free balance read before a batch',
			},
			{ name: 'Always', value: 'always' },
			{
				name: 'Never',
				value: 'never',
				description: 'Let kie.ai refuse each item it cannot pay for (error 402)',
			},
		],
		default: 'batches',
		description:
			'Whether to read the kie.ai balance (free) before creating anything, and refuse the whole batch, sending nothing, when it cannot pay for every item',
	},
	{
		displayName: 'Deduplicate By',
		name: 'deduplicateBy',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.row_number }}',
		description:
			"A key per item, such as the sheet's row ID or the prompt. An item whose key this node already created a task for (within the Reuse Window) gets that task's video instead of a new paid one, marked reused. Remembered in the workflow's static data, by active (production) executions only.",
	},
	{
		displayName: 'Max Credits per Execution',
		name: 'maxCreditsPerExecution',
		type: 'number',
		default: 1000,
		typeOptions: { minValue: 0 },
		description:
			"Refuse, sending nothing, when this batch's estimated credits plus what this node already spent in this execution (for example earlier rounds of a loop) would exceed this. Empty or not added: no cap.",
	},
	{
		displayName: 'Reuse Window (Days)',
		name: 'reuseWindowDays',
		type: 'number',
		default: 14,
		typeOptions: { minValue: 0, maxValue: 14, numberPrecision: 3 },
		description:
			'With Deduplicate By: how long a created task is reused. kie.ai keeps videos for 14 days.',
	},
];
