import { randomBytes } from 'crypto';

import { UnexpectedAnswerError } from '../errors/errors';
import type { ApiConfig, RetryPolicy } from '../base/interfaces';
import { ENDPOINTS, kieRequest, type ApiContext } from './index';

/** An image read from an item, ready to be uploaded. */
export interface InputImage {
	buffer: Buffer;
	fileName: string;
	mimeType: string;
}

/** Where the node's own image uploads go on kie's upload host; kie deletes uploads after 24 hours. */
export const UPLOAD_PATH = 'n8n-veo3';

/** kie's answer to an upload; `downloadUrl` is in both documented shapes (docs/kie-api.md#uploads, where the kie.ai pages disagree). */
export interface UploadedFile {
	downloadUrl?: string;
	fileUrl?: string;
	fileName?: string;
	filePath?: string;
	fileSize?: number;
	mimeType?: string;
	uploadedAt?: string;
}

/** Where a file goes: `uploadPath` has no leading or trailing slash (kie's rule). */
interface UploadTarget {
	uploadPath: string;
	fileName: string;
}

function multipartBody(
	image: InputImage,
	target: UploadTarget,
): { body: Buffer; contentType: string } {
	const { fileName } = target;
	const boundary = `----n8nVeo3${randomBytes(12).toString('hex')}`;
	const field = (name: string, value: string) =>
		`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
	const head =
		field('uploadPath', target.uploadPath) +
		field('fileName', fileName) +
		`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${image.mimeType}\r\n\r\n`;
	return {
		body: Buffer.concat([
			Buffer.from(head, 'utf8'),
			image.buffer,
			Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
		]),
		contentType: `multipart/form-data; boundary=${boundary}`,
	};
}

/**
 * Uploads an image through kie's stream upload (multipart, the documented choice for binary
 * files) and returns its public URL. Uploads are free and a unique name makes a retry harmless.
 */
export async function uploadImage(
	ctx: ApiContext,
	config: ApiConfig,
	image: InputImage,
	retry: RetryPolicy,
	signal: AbortSignal | undefined,
): Promise<string> {
	const safeName = image.fileName.replace(/[^A-Za-z0-9._-]/g, '_').slice(-80);
	const fileName = `${Date.now()}-${randomBytes(4).toString('hex')}-${safeName}`;
	const data = await uploadBinary(
		ctx,
		config,
		image,
		{ uploadPath: UPLOAD_PATH, fileName },
		retry,
		signal,
	);
	const url = data.downloadUrl ?? data.fileUrl;
	if (!url) throw new UnexpectedAnswerError('kie.ai upload answered without a file URL');
	return url;
}

/** Sends a file through kie's stream upload (multipart, kie's choice for binary files). Uploads are free. */
export async function uploadBinary(
	ctx: ApiContext,
	config: ApiConfig,
	file: InputImage,
	target: UploadTarget,
	retry: RetryPolicy,
	signal: AbortSignal | undefined,
): Promise<UploadedFile> {
	const { body, contentType } = multipartBody(file, target);
	return await kieRequest<UploadedFile>(ctx, config, {
		method: 'POST',
		endpoint: ENDPOINTS.streamUpload,
		host: 'upload',
		body,
		headers: { 'Content-Type': contentType },
		resend: 'safe',
		retry,
		signal,
	});
}

/** Has kie fetch a public URL into its upload store (its download timeout is 30 s). */
export async function uploadFromUrl(
	ctx: ApiContext,
	config: ApiConfig,
	fileUrl: string,
	target: Partial<UploadTarget> & { uploadPath: string },
	retry: RetryPolicy,
	signal: AbortSignal | undefined,
): Promise<UploadedFile> {
	const body = {
		fileUrl,
		uploadPath: target.uploadPath,
		...(target.fileName ? { fileName: target.fileName } : {}),
	};
	return await kieRequest<UploadedFile>(ctx, config, {
		method: 'POST',
		endpoint: ENDPOINTS.urlUpload,
		host: 'upload',
		body,
		resend: 'safe',
		retry,
		signal,
	});
}
