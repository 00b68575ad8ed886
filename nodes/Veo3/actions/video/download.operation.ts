import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { downloadVideo } from '../../inputs/binary';
import {
	DownloadError,
	downloadFailedError,
	noVideoYetError,
	ParameterError,
} from '../../../kie/errors/errors';
import { readOutputField } from '../../inputs/createInputs';
import { normalizeAnyRecord } from '../../../kie/records/normalize';
import { settle } from '../../../kie/base/settle';
import { requireHttpUrl, requireIndex, requireOneOf } from '../../inputs/validation';
import { ENDPOINTS } from '../../../kie/transport';
import { readAnyRecord } from '../../../kie/transport/jobs';
import { taskIdProperty, videoIndexProperty, videoUrlProperty } from '../common.descriptions';
import { executeReadOperation } from '../readOperation';

const properties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		options: [
			{
				name: 'Task ID',
				value: 'taskId',
				description: 'Look up the finished task and download its video',
			},
			{ name: 'Video URL', value: 'url', description: 'A result URL from kie.ai' },
		],
		default: 'taskId',
	},
	{ ...taskIdProperty, displayOptions: { show: { source: ['taskId'] } } },
	{
		displayName: 'Which Video',
		name: 'which',
		type: 'options',
		options: [
			{
				name: 'Full Extended Video',
				value: 'full',
				description: 'For Extend tasks: the whole stitched video',
			},
			{
				name: 'Original Framing',
				value: 'origin',
				description: 'The video before re-framing, where kie.ai provides it',
			},
			{ name: 'Result', value: 'result' },
		],
		default: 'result',
		displayOptions: { show: { source: ['taskId'] } },
	},
	{ ...videoIndexProperty, displayOptions: { show: { source: ['taskId'] } } },
	{ ...videoUrlProperty, displayOptions: { show: { source: ['url'] } } },
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyOutput',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the video in',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['download'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await executeReadOperation(this, items, async (read) => {
		const { node, itemIndex } = read;
		const retry = read.retry();
		const field = readOutputField(this, itemIndex);
		const source = requireOneOf(
			node,
			'Source',
			this.getNodeParameter('source', itemIndex),
			['taskId', 'url'],
			itemIndex,
		);
		const json: IDataObject = {};
		let url: string;
		if (source === 'url') {
			url = requireHttpUrl(
				node,
				'Video URL',
				this.getNodeParameter('videoUrl', itemIndex),
				itemIndex,
			);
		} else {
			const taskId = read.taskId();
			const which = requireOneOf(
				node,
				'Which Video',
				this.getNodeParameter('which', itemIndex, 'result'),
				['result', 'full', 'origin'],
				itemIndex,
			);
			const index = requireIndex(
				node,
				this.getNodeParameter('videoIndex', itemIndex, 0),
				itemIndex,
			);
			const result = normalizeAnyRecord(
				await readAnyRecord(this, read.config, taskId, retry, read.signal),
				taskId,
			);
			if (result.status !== 'success') {
				throw noVideoYetError(node, taskId, result.status, result.errorMessage, itemIndex);
			}
			const list =
				which === 'full'
					? result.fullVideoUrls
					: which === 'origin'
						? result.originUrls
						: result.videoUrls;
			if (!list[index]) {
				throw new ParameterError(
					node,
					'Which Video',
					`task ${taskId} has ${list.length} video(s) of that kind`,
					`an index below ${list.length}`,
					itemIndex,
				);
			}
			url = list[index];
			Object.assign(json, { taskId, videoIndex: index });
		}
		const fileName = `${json.taskId ?? 'video'}${json.videoIndex ? `_${json.videoIndex}` : ''}.mp4`;
		const first = await settle(async () => await downloadVideo(this, url, fileName));
		let binary;
		if (first.ok) {
			binary = first.value;
		} else {
			const refused =
				first.error instanceof DownloadError &&
				first.error.statusCode >= 400 &&
				first.error.statusCode < 500;
			if (!refused) throw first.error;
			// Result links can expire or be refused; kie issues a fresh 20-minute link for its own files.
			const fresh = await settle(
				async () =>
					await read.request<string>({
						method: 'POST',
						endpoint: ENDPOINTS.downloadUrl,
						body: { url },
					}),
			);
			if (!fresh.ok) {
				// Report what went wrong with the file first; kie's answer to the fallback comes second.
				throw downloadFailedError(
					node,
					url,
					(first.error as DownloadError).statusCode,
					fresh.error,
					itemIndex,
				);
			}
			binary = await downloadVideo(this, String(fresh.value), fileName);
		}
		return {
			json: {
				...json,
				videoUrl: url,
				fileName: binary.fileName ?? fileName,
				fileSize: binary.fileSize ?? null,
				mimeType: binary.mimeType,
			},
			binary: { [field]: binary },
		};
	});
}
