/**
 * Minimal multipart/form-data parser (RFC 7578) for the stream-upload endpoint: enough for
 * browsers, curl, form-data and undici's FormData. Works on a fully buffered body (uploads are
 * capped by maxUploadBytes).
 */

interface Part {
	name: string;
	filename: string | null;
	contentType: string | null;
	data: Buffer;
}

export function boundaryOf(contentType: string | undefined): string | null {
	if (!contentType || !/^multipart\/form-data/i.test(contentType)) return null;
	const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	return m ? (m[1] ?? m[2]).trim() : null;
}

function headerParam(value: string, param: string): string | null {
	// filename*=UTF-8''… (RFC 5987) wins over filename=… when both are present.
	if (param === 'filename') {
		const ext = /filename\*=(?:UTF-8|utf-8)''([^;]+)/.exec(value);
		if (ext) return decodeURIComponent(ext[1]);
	}
	const m = new RegExp(`(?:^|;)\\s*${param}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(value);
	if (!m) return null;
	return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2].trim();
}

/** Parse all parts; returns null when the body is not well-formed multipart for this boundary. */
export function parseMultipart(body: Buffer, boundary: string): Part[] | null {
	const delimiter = Buffer.from(`--${boundary}`, 'latin1');
	const nextDelimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
	let pos = body.indexOf(delimiter);
	if (pos < 0) return null;
	pos += delimiter.length;
	const parts: Part[] = [];
	for (;;) {
		// "--" after a delimiter closes the body.
		if (body.subarray(pos, pos + 2).toString('latin1') === '--') return parts;
		if (body.subarray(pos, pos + 2).toString('latin1') !== '\r\n') return null;
		pos += 2;
		const headerEnd = body.indexOf('\r\n\r\n', pos, 'latin1');
		if (headerEnd < 0) return null;
		const headers = new Map<string, string>();
		for (const line of body.subarray(pos, headerEnd).toString('utf8').split('\r\n')) {
			const colon = line.indexOf(':');
			if (colon > 0)
				headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
		}
		const dataStart = headerEnd + 4;
		const dataEnd = body.indexOf(nextDelimiter, dataStart);
		if (dataEnd < 0) return null;
		const disposition = headers.get('content-disposition') ?? '';
		const name = headerParam(disposition, 'name');
		if (name !== null) {
			parts.push({
				name,
				filename: headerParam(disposition, 'filename'),
				contentType: headers.get('content-type') ?? null,
				data: body.subarray(dataStart, dataEnd),
			});
		}
		pos = dataEnd + nextDelimiter.length;
	}
}
