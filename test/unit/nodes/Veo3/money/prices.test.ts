/** The price table against kie's published figures, the estimate for every request, what a balance is worth. */
import {
	chainPrices,
	estimateCredits,
	PRICE_TABLE,
	videosAffordable,
} from '../../../../../nodes/Veo3/money/prices';

describe('price table', () => {
	// kie's pricingDesc of veo-3-1 (October 2026): Lite 30/35/150, Fast 60/65/180, Quality 250/255/370;
	// Extend at the tier's clip price; Get 1080p 5; Get 4K 120.
	const published: Array<[string, string, number]> = [
		['veo3_lite', '720p', 30],
		['veo3_lite', '1080p', 35],
		['veo3_lite', '4k', 150],
		['veo3_fast', '720p', 60],
		['veo3_fast', '1080p', 65],
		['veo3_fast', '4k', 180],
		['veo3', '720p', 250],
		['veo3', '1080p', 255],
		['veo3', '4k', 370],
	];

	it.each(published)('Generate %s %s costs %i', (model, resolution, credits) => {
		expect(
			estimateCredits({
				operation: 'generate',
				model: model as 'veo3',
				resolution: resolution as '720p',
			}),
		).toBe(credits);
		// Duration does not change kie's per-clip price.
		for (const duration of [4, 6, 8])
			expect(
				estimateCredits({
					operation: 'generate',
					model: model as 'veo3',
					resolution: resolution as '720p',
					duration,
				}),
			).toBe(credits);
	});

	it('covers every model and resolution of the table, and nothing else', () => {
		const cells = Object.entries(PRICE_TABLE.generate).flatMap(([model, byRes]) =>
			Object.keys(byRes).map((res) => `${model} ${res}`),
		);
		expect(cells.sort()).toEqual(published.map(([m, r]) => `${m} ${r}`).sort());
	});

	it('Extend, Get 1080p and Get 4K', () => {
		expect(
			['lite', 'fast', 'quality'].map((model) =>
				estimateCredits({ operation: 'extend', model: model as 'fast' }),
			),
		).toEqual([30, 60, 250]);
		expect(estimateCredits({ operation: 'get1080p' })).toBe(5);
		expect(estimateCredits({ operation: 'get4k' })).toBe(120);
	});

	it('what a balance is worth, per model and resolution', () => {
		expect(videosAffordable(500)).toEqual({
			veo3_lite: { '720p': 16, '1080p': 14, '4k': 3 },
			veo3_fast: { '720p': 8, '1080p': 7, '4k': 2 },
			veo3: { '720p': 2, '1080p': 1, '4k': 1 },
		});
		expect(videosAffordable(-3).veo3_lite['720p']).toBe(0);
	});
});

describe('a video made of scenes', () => {
	it.each<[string, 'veo3' | 'veo3_fast' | 'veo3_lite', 'fast' | 'quality' | 'lite', number[]]>([
		['Lite', 'veo3_lite', 'lite', [30, 30, 30, 30]],
		['Fast', 'veo3_fast', 'fast', [60, 60, 60, 60]],
		['Quality', 'veo3', 'quality', [250, 250, 250, 250]],
		['Quality with Fast extensions', 'veo3', 'fast', [250, 60, 60, 60]],
	])(
		'4 scenes, %s: scene 1 at the 720p Generate price, each extension at its own',
		(_l, model, extendModel, prices) => {
			expect(chainPrices({ model, extendModel, scenes: 4 })).toEqual(prices);
		},
	);

	it('one scene is just the generate', () => {
		expect(chainPrices({ model: 'veo3_fast', extendModel: 'lite', scenes: 1 })).toEqual([60]);
	});
});
