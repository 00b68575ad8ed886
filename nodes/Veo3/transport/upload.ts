import { randomBytes } from 'crypto';

import type { InputImage } from '../helpers/binary';
import { UnexpectedAnswerError } from '../helpers/errors';
import type { ApiConfig, RetryPolicy } from '../helpers/interfaces';
import { ENDPOINTS, kieRequest, type ApiContext } from './index';

/** Where uploads go on kie's upload host; kie keeps them 1–3 days (reference §10.3). */
const UPLOAD_PATH = 'n8n-veo3';

function multipartBody(image: InputImage, fileName: string): { body: Buffer; contentType: string } {
	const boundary = `----n8nVeo3${randomBytes(12).toString('hex')}`;
	const field = (name: string, value: string) =>
		`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
	const head =
		field('uploadPath', UPLOAD_PATH) +
		field('fileName', fileName) +
		`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${image.mimeType}\r\n\r\n`;
	return {
		body: Buffer.concat([Buffer.from(head, 'utf8'), image.buffer, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]),
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
	const { body, contentType } = multipartBody(image, fileName);
	const data = await kieRequest<{ downloadUrl?: string; fileUrl?: string }>(ctx, config, {
		method: 'POST',
		endpoint: ENDPOINTS.streamUpload,
		host: 'upload',
		body,
		headers: { 'Content-Type': contentType },
		resend: 'safe',
		retry,
		signal,
	});
	// Both documented response shapes carry downloadUrl (reference §10.3 CONFLICT).
	const url = data?.downloadUrl ?? data?.fileUrl;
	if (!url) throw new UnexpectedAnswerError('kie.ai upload answered without a file URL');
	return url;
}
