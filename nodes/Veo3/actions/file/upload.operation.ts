import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ParameterError, UnexpectedAnswerError } from '../../../kie/errors/errors';
import { requireHttpUrl, requireOneOf } from '../../inputs/validation';
import {
	UPLOAD_PATH,
	uploadBinary,
	uploadFromUrl,
	type UploadedFile,
} from '../../../kie/transport/upload';
import { executeReadOperation } from '../readOperation';

/** kie deletes uploaded files 24 hours after the upload. */
const UPLOAD_LIFETIME_MS = 24 * 60 * 60 * 1000;

const properties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'uploadSource',
		type: 'options',
		options: [
			{
				name: 'Binary Field of the Input Item',
				value: 'binary',
				description: 'For example a file from a form, Telegram or Google Drive',
			},
			{
				name: 'Public URL',
				value: 'url',
				description: 'Kie.ai fetches the file itself (up to about 100 MB, within 30 seconds)',
			},
		],
		default: 'binary',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the input binary field holding the file',
		displayOptions: { show: { uploadSource: ['binary'] } },
	},
	{
		displayName: 'File URL',
		name: 'fileUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/photo.png',
		displayOptions: { show: { uploadSource: ['url'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Folder',
				name: 'uploadPath',
				type: 'string',
				default: UPLOAD_PATH,
				description: 'Folder at kie.ai, such as "images/products": no leading or trailing slash',
			},
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				description:
					"Name at kie.ai; a file of the same name in the same folder is replaced. Empty: the input file's name, or one kie.ai picks.",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['upload'] } },
	properties,
);

function readFolder(ctx: IExecuteFunctions, options: IDataObject, itemIndex: number): string {
	const folder = options.uploadPath === undefined ? UPLOAD_PATH : String(options.uploadPath).trim();
	if (
		folder === '' ||
		folder.startsWith('/') ||
		folder.endsWith('/') ||
		folder.split('/').some((s) => s === '' || s === '.' || s === '..')
	) {
		throw new ParameterError(
			ctx.getNode(),
			'Folder',
			`"${folder}" is not allowed`,
			'a folder such as "images/products", without leading or trailing slash',
			itemIndex,
		);
	}
	return folder;
}

function readFileName(
	ctx: IExecuteFunctions,
	options: IDataObject,
	itemIndex: number,
): string | undefined {
	const name = options.fileName === undefined ? '' : String(options.fileName).trim();
	if (/[/\\]/.test(name))
		throw new ParameterError(
			ctx.getNode(),
			'File Name',
			`"${name}" contains a slash`,
			'a plain file name such as "photo.png"',
			itemIndex,
		);
	return name || undefined;
}

/** The answer as the item: kie's temporary URL and when it stops working. */
function uploadedItem(data: UploadedFile, itemIndex: number): INodeExecutionData {
	const fileUrl = data.downloadUrl ?? data.fileUrl;
	if (!fileUrl) throw new UnexpectedAnswerError('kie.ai upload answered without a file URL');
	const uploadedAt =
		data.uploadedAt && !Number.isNaN(Date.parse(data.uploadedAt))
			? new Date(data.uploadedAt)
			: new Date();
	return {
		json: {
			fileUrl,
			fileName: data.fileName ?? null,
			filePath: data.filePath ?? null,
			fileSize: data.fileSize ?? null,
			mimeType: data.mimeType ?? null,
			uploadedAt: uploadedAt.toISOString(),
			expiresAt: new Date(uploadedAt.getTime() + UPLOAD_LIFETIME_MS).toISOString(),
		},
		pairedItem: { item: itemIndex },
	};
}

/** Uploads a file to kie.ai's free temporary storage: its URL works in Generate or anywhere, for 24 hours. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await executeReadOperation(this, items, async (read) => {
		const { node, itemIndex, config, signal } = read;
		const source = requireOneOf(
			node,
			'Source',
			this.getNodeParameter('uploadSource', itemIndex),
			['binary', 'url'],
			itemIndex,
		);
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const uploadPath = readFolder(this, options, itemIndex);
		const fileName = readFileName(this, options, itemIndex);
		const retry = read.retry();
		if (source === 'url') {
			const fileUrl = requireHttpUrl(
				node,
				'File URL',
				this.getNodeParameter('fileUrl', itemIndex),
				itemIndex,
			);
			return uploadedItem(
				await uploadFromUrl(this, config, fileUrl, { uploadPath, fileName }, retry, signal),
				itemIndex,
			);
		}
		const field = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
		const binary = items[itemIndex].binary?.[field];
		if (!binary) {
			const available = Object.keys(items[itemIndex].binary ?? {});
			throw new ParameterError(
				node,
				'Input Binary Field',
				`the input item has no binary field "${field}"`,
				available.length ? available.join(', ') : 'a binary field (the input item has none)',
				itemIndex,
			);
		}
		const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, field);
		const file = {
			buffer,
			fileName: binary.fileName || `${field}.${binary.fileExtension || 'bin'}`,
			mimeType: binary.mimeType || 'application/octet-stream',
		};
		return uploadedItem(
			await uploadBinary(
				this,
				config,
				file,
				{ uploadPath, fileName: fileName ?? file.fileName },
				retry,
				signal,
			),
			itemIndex,
		);
	});
}
