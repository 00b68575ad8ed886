import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { ParameterError } from '../../kie/errors/errors';
import type { WaitMode } from './preparedTask';
import { optionalSeed, requireHttpUrl } from './validation';

/** Adds the correlation reference to the callback URL without disturbing its own query string. */
function withReference(url: string, reference: string): string {
	if (!reference) return url;
	const parsed = new URL(url);
	parsed.searchParams.set('ref', reference);
	return parsed.toString();
}

export function readCallbackUrl(
	ctx: IExecuteFunctions,
	options: IDataObject,
	itemIndex: number,
): string | undefined {
	if (options.callbackUrl === undefined || options.callbackUrl === '') return undefined;
	const url = requireHttpUrl(ctx.getNode(), 'Callback URL', options.callbackUrl, itemIndex);
	return withReference(
		url,
		options.callbackReference === undefined ? '' : String(options.callbackReference),
	);
}

export function readCommonCreateOptions(
	ctx: IExecuteFunctions,
	options: IDataObject,
	itemIndex: number,
): { seed?: number; watermark?: string; echo: IDataObject } {
	const node = ctx.getNode();
	const seed = optionalSeed(node, options.seed, itemIndex);
	if (options.watermark !== undefined && typeof options.watermark !== 'string') {
		throw new ParameterError(
			node,
			'Watermark',
			`${JSON.stringify(options.watermark)} is not text`,
			'text',
			itemIndex,
		);
	}
	const reference =
		options.callbackReference === undefined || options.callbackReference === ''
			? undefined
			: String(options.callbackReference);
	return {
		seed,
		watermark: options.watermark === '' ? undefined : (options.watermark as string | undefined),
		echo: reference === undefined ? {} : { reference },
	};
}

/** Binary field for the downloaded video, in poll mode when Download Video is on. */
export function readDownloadTarget(
	ctx: IExecuteFunctions,
	itemIndex: number,
	waitMode: WaitMode,
): string | undefined {
	if (waitMode !== 'poll') return undefined;
	if (!ctx.getNodeParameter('downloadVideo', itemIndex, true)) return undefined;
	return readOutputField(ctx, itemIndex);
}

/** "Put Output File in Field": the binary field a downloaded video goes into, never empty. */
export function readOutputField(ctx: IExecuteFunctions, itemIndex: number): string {
	const field = ctx.getNodeParameter('binaryPropertyOutput', itemIndex, 'data');
	if (typeof field !== 'string' || field.trim() === '') {
		throw new ParameterError(
			ctx.getNode(),
			'Put Output File in Field',
			'it is empty',
			'a binary field name such as "data"',
			itemIndex,
		);
	}
	return field.trim();
}
