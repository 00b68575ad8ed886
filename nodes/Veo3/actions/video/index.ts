import type { INodeProperties } from 'n8n-workflow';

import * as download from './download.operation';
import * as extend from './extend.operation';
import * as generate from './generate.operation';
import * as generateScenes from './generateScenes.operation';
import * as get1080p from './get1080p.operation';
import * as get4k from './get4k.operation';
import * as getDetails from './getDetails.operation';
import * as getDownloadLink from './getDownloadLink.operation';

export { download, extend, generate, generateScenes, get1080p, get4k, getDetails, getDownloadLink };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Download',
				value: 'download',
				action: 'Download a video',
				description: 'Get a finished video as a file for Drive, Slack or YouTube (free)',
			},
			{
				name: 'Extend',
				value: 'extend',
				action: 'Extend a video',
				description: 'Continue a finished video with a new prompt (30 to 250 credits)',
			},
			{
				name: 'Generate',
				value: 'generate',
				action: 'Generate a video',
				description:
					'Create a video from text or images (30 to 250 credits, depending on the model)',
			},
			{
				name: 'Generate Long Video (Scenes)',
				value: 'generateScenes',
				action: 'Generate a long video from scenes',
				description:
					'Turn a list of scene prompts into one continuous video: scene 1 generated, each next scene extends it',
			},
			{
				name: 'Get 1080p',
				value: 'get1080p',
				action: 'Get the 1080p version of a video',
				description: 'Get the 1080p version of a finished 16:9 video (5 credits)',
			},
			{
				name: 'Get 4K',
				value: 'get4k',
				action: 'Get the 4K version of a video',
				description: 'Upscale a finished video to 4K (120 credits)',
			},
			{
				name: 'Get Details',
				value: 'getDetails',
				action: 'Get the details of a video task',
				description: 'Check whether a video is ready and get its links (free)',
			},
			{
				name: 'Get Download Link',
				value: 'getDownloadLink',
				action: 'Get a download link for a video',
				description: 'A direct link to a result file, valid 20 minutes (free)',
			},
		],
		default: 'generate',
	},
	...generate.description,
	...generateScenes.description,
	...getDetails.description,
	...get1080p.description,
	...get4k.description,
	...extend.description,
	...download.description,
	...getDownloadLink.description,
];
