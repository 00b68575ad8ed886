import { createHash } from 'crypto';
import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { DownloadError, ParameterError } from '../../kie/errors/errors';
import type { InputImage } from '../../kie/transport/upload';

/** n8n's binary store keeps the file; the item only carries a reference, whatever the video size. */
export async function downloadVideo(
	ctx: IExecuteFunctions,
	url: string,
	fileName: string,
): Promise<IBinaryData> {
	// Result URLs are public, pre-signed file links: no credential is sent with them.
	const response = (await ctx.helpers.httpRequest({
		method: 'GET',
		url,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: 300000,
		abortSignal: ctx.getExecutionCancelSignal(),
	})) as { statusCode: number; body: NodeJS.ReadableStream & { destroy?: () => void } };
	if (response.statusCode < 200 || response.statusCode >= 300) {
		response.body.destroy?.();
		throw new DownloadError(url, response.statusCode);
	}
	// Streamed straight into n8n's binary storage (filesystem, database or S3): never buffered here.
	return await ctx.helpers.prepareBinaryData(response.body as never, fileName, 'video/mp4');
}

const MAX_IMAGE_BYTES = 30 * 1024 * 1024;

/** Reads and checks the images named by the user before anything is sent. */
export async function readInputImages(
	ctx: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	propertyNames: string[],
): Promise<InputImage[]> {
	const node = ctx.getNode();
	const available = Object.keys(item.binary ?? {});
	const images: InputImage[] = [];
	for (const name of propertyNames) {
		const binary = item.binary?.[name];
		if (!binary) {
			throw new ParameterError(
				node,
				'Input Binary Field',
				`the input item has no binary field "${name}"`,
				available.length
					? `one of the item's binary fields: ${available.join(', ')}`
					: 'a binary field holding an image (the input item has none)',
				itemIndex,
			);
		}
		if (!binary.mimeType?.startsWith('image/')) {
			throw new ParameterError(
				node,
				'Input Binary Field',
				`"${name}" is ${binary.mimeType || 'of unknown type'}, not an image`,
				'an image (JPEG, PNG or WebP)',
				itemIndex,
			);
		}
		const buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
		if (buffer.length === 0 || buffer.length > MAX_IMAGE_BYTES) {
			throw new ParameterError(
				node,
				'Input Binary Field',
				`"${name}" has ${buffer.length} bytes`,
				'an image of 1 byte to 30 MB',
				itemIndex,
			);
		}
		images.push({
			buffer,
			fileName: binary.fileName || `${name}.${binary.fileExtension || 'png'}`,
			mimeType: binary.mimeType,
		});
	}
	return images;
}

/** Stands for an uploaded image in a request's identity: an upload gets a new URL every run. */
export function contentFingerprint(content: Buffer): string {
	return `sha256:${createHash('sha256').update(content).digest('hex').slice(0, 32)}`;
}
