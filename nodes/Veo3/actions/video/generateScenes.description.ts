import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { TOOL_MAX_WAIT_MINUTES } from '../../engine/agentTool';
import { MAX_EXTENSIONS, MAX_SCENES } from '../../inputs/scenes';
import { renderOptions, taskProperties } from '../common.descriptions';
import { imageAndModelProperties } from './generate.operation';

const sceneProperties: INodeProperties[] = [
	{
		displayName: `Scene 1 is an 8-second 720p clip generated like Generate (text or images); every further scene extends the video so far with its own prompt, by about 7 seconds. Up to ${MAX_SCENES} scenes (${MAX_EXTENSIONS} extensions: Google's limit, kie.ai documents none). Only 8-second 720p scenes: kie.ai cannot extend a 1080p or 4K video, and 4 or 6 second clips would need its Jobs API. Scenes render one after the other, so a 4-scene video takes about 4 renders.`,
		name: 'scenesNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Scenes Source',
		name: 'sceneSource',
		type: 'options',
		options: [
			{
				name: 'One Field (One Prompt per Line)',
				value: 'field',
				description: 'Each input item makes one video from the prompts in the Scenes field',
			},
			{
				name: 'One Input Item per Scene',
				value: 'items',
				description:
					'For example rows of a sheet with columns video, scene and prompt: one video per video value',
			},
		],
		default: 'field',
	},
	{
		displayName: 'Scenes',
		name: 'scenes',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 6 },
		placeholder:
			'A barista pours latte art in a sunny cafe\nClose-up of the cup as steam rises\nA customer smiles and takes the first sip',
		description:
			'One scene prompt per line, in order (blank lines are skipped; commas stay in the prompt), or an expression giving a list of prompts. Up to 5000 characters each.',
		displayOptions: { show: { sceneSource: ['field'] } },
	},
	{
		displayName: 'Group By Field',
		name: 'groupByField',
		type: 'string',
		default: 'video',
		description:
			'Input field saying which video a scene belongs to: one output video per value. Empty: all input items make one video.',
		displayOptions: { show: { sceneSource: ['items'] } },
	},
	{
		displayName: 'Scene Order Field',
		name: 'sceneOrderField',
		type: 'string',
		default: 'scene',
		description:
			'Input field with the scene number (1, 2, 3…); scenes are sorted by it. Empty: input order.',
		displayOptions: { show: { sceneSource: ['items'] } },
	},
	{
		displayName: 'Prompt Field',
		name: 'promptField',
		type: 'string',
		default: 'prompt',
		description: "Input field with the scene's prompt",
		displayOptions: { show: { sceneSource: ['items'] } },
	},
	...imageAndModelProperties,
	{
		displayName: 'Extension Model',
		name: 'extendModel',
		type: 'options',
		options: [
			{ name: 'Fast', value: 'fast', description: '60 credits per scene' },
			{ name: 'Lite', value: 'lite', description: '30 credits per scene' },
			{ name: 'Quality', value: 'quality', description: '250 credits per scene' },
			{
				name: 'Same as Model',
				value: 'same',
				description: 'Quality for Veo 3.1 Quality, Fast for Fast, Lite for Lite',
			},
		],
		default: 'same',
		description: 'Tier of scenes 2 and later (each is a kie.ai Extend)',
	},
];

/** Each scene must be finished before the next starts, so "Don't Wait" is not offered. */
const sceneWaitMode: INodeProperties = {
	displayName: 'Wait Mode',
	name: 'waitMode',
	type: 'options',
	options: [
		{
			name: 'Wait for Callback (Needs a Public URL)',
			value: 'callback',
			description:
				'Pause the workflow while each scene renders; nothing runs meanwhile. When kie.ai reports a scene done, the next one starts, and the workflow continues after the last. Only works when kie.ai can reach your n8n from the internet (WEBHOOK_URL set to a public address).',
		},
		{
			name: 'Wait Until Done (Poll)',
			value: 'poll',
			description:
				'Check each scene until it is finished, then start the next. Works everywhere, also on localhost.',
		},
	],
	default: 'poll',
	description: 'How to wait for the scenes to be finished',
};

const sceneCallbackNotice: INodeProperties = {
	displayName:
		'The workflow pauses while each scene renders and continues once every video is done or has failed. Add a Download operation after this node to get the files.',
	name: 'callbackNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { waitMode: ['callback'] } },
};

function sceneTaskProperties(): INodeProperties[] {
	const [, ...rest] = taskProperties([
		{
			displayName: 'Enable Prompt Translation',
			name: 'enableTranslation',
			type: 'boolean',
			default: true,
			description: 'Whether kie.ai translates the first scene prompt to English first',
		},
		...renderOptions,
	]);
	return [
		sceneWaitMode,
		...rest
			.map((property) => (property.name === 'callbackNotice' ? sceneCallbackNotice : property))
			.map((property) =>
				property.name === 'options'
					? {
							...property,
							options: (property.options as INodeProperties[]).map((option) =>
								option.name === 'maxWaitMinutes'
									? {
											...option,
											displayName: 'Max Wait Time per Scene (Minutes)',
											description: `Give up waiting for a scene after this long (default 30 minutes; ${TOOL_MAX_WAIT_MINUTES} as an AI agent tool). The video then stops at that scene, which keeps running at kie.ai; the item reports the finished scenes and a retry continues from them.`,
										}
									: option,
							),
						}
					: property,
			),
	];
}

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['generateScenes'] } },
	[...sceneProperties, ...sceneTaskProperties()],
);
