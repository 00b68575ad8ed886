/**
 * What each paid kie.ai request costs, in credits (1 credit ≈ $0.005). The one place prices live:
 * estimates on output items, the spending cap, the balance check and Get Credits all read it.
 *
 * Source: kie.ai's model catalogue (`pricingDesc` of `veo-3-1`, as published in October 2026)
 * and its pricing page, read for this table on PRICES_READ_ON. kie bills per clip: no published Veo price depends on the clip's duration
 * (4, 6 or 8 s), so a duration, when given, does not change the estimate. Extend renders a new
 * clip at the tier's 720p price. kie may change prices at any time; the real charge is kie's
 * (`creditsConsumed` where kie reports it).
 */
export const PRICES_READ_ON = '2026-11-29';

type PricedModel = 'veo3' | 'veo3_fast' | 'veo3_lite';
type PricedResolution = '720p' | '1080p' | '4k';
type PricedExtendModel = 'fast' | 'quality' | 'lite';

export const PRICE_TABLE = {
	generate: {
		veo3_lite: { '720p': 30, '1080p': 35, '4k': 150 },
		veo3_fast: { '720p': 60, '1080p': 65, '4k': 180 },
		veo3: { '720p': 250, '1080p': 255, '4k': 370 },
	} satisfies Record<PricedModel, Record<PricedResolution, number>>,
	extend: { lite: 30, fast: 60, quality: 250 } satisfies Record<PricedExtendModel, number>,
	get1080p: 5,
	get4k: 120,
} as const;

type PriceRequest =
	| { operation: 'generate'; model: PricedModel; resolution?: PricedResolution; duration?: number }
	| { operation: 'extend'; model: PricedExtendModel }
	| { operation: 'get1080p' }
	| { operation: 'get4k' };

/** Estimated credits of one request; 720p when Generate names no resolution (kie's default). */
export function estimateCredits(request: PriceRequest): number {
	switch (request.operation) {
		case 'generate':
			return PRICE_TABLE.generate[request.model][request.resolution ?? '720p'];
		case 'extend':
			return PRICE_TABLE.extend[request.model];
		case 'get1080p':
			return PRICE_TABLE.get1080p;
		case 'get4k':
			return PRICE_TABLE.get4k;
	}
}

/**
 * Estimated credits of a multi-scene video: scene 1 is a 720p Generate, each further scene an
 * Extend of the previous one at its own flat price. Returns each paid create's price, in order.
 */
export function chainPrices(request: {
	model: PricedModel;
	extendModel: PricedExtendModel;
	scenes: number;
}): number[] {
	return Array.from({ length: request.scenes }, (_, scene) =>
		scene === 0
			? estimateCredits({ operation: 'generate', model: request.model })
			: estimateCredits({ operation: 'extend', model: request.extendModel }),
	);
}

/** How many videos of each model and resolution a balance pays for (Get Credits). */
export function videosAffordable(
	balance: number,
): Record<PricedModel, Record<PricedResolution, number>> {
	const safe = Number.isFinite(balance) && balance > 0 ? balance : 0;
	const worth = {} as Record<PricedModel, Record<PricedResolution, number>>;
	for (const [model, prices] of Object.entries(PRICE_TABLE.generate) as Array<
		[PricedModel, Record<PricedResolution, number>]
	>) {
		worth[model] = {
			'720p': Math.floor(safe / prices['720p']),
			'1080p': Math.floor(safe / prices['1080p']),
			'4k': Math.floor(safe / prices['4k']),
		};
	}
	return worth;
}
