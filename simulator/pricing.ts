/**
 * Credit prices (1 credit ≈ $0.005) as kie's own `pricingDesc` for veo-3-1 gives them (2026-10):
 * Lite 30/35/150, Fast 60/65/180, Quality 250/255/370 for 720p/1080p/4K. An older pricing page
 * said 380 for Quality 4K text-to-video; pricingDesc "matches what is billed", so 370 it is.
 * REFERENCE_2_VIDEO costs the same as Fast/Lite, so generationType does not enter the price.
 */

export type GenerateModel = 'veo3' | 'veo3_fast' | 'veo3_lite';
export type ExtendModel = 'fast' | 'quality' | 'lite';
export type Resolution = '720p' | '1080p' | '4k';

const GENERATE: Record<GenerateModel, Record<Resolution, number>> = {
	veo3_fast: { '720p': 60, '1080p': 65, '4k': 180 },
	veo3_lite: { '720p': 30, '1080p': 35, '4k': 150 },
	veo3: { '720p': 250, '1080p': 255, '4k': 370 },
};

const EXTEND: Record<ExtendModel, number> = { fast: 60, lite: 30, quality: 250 };

export const PRICE_1080P = 5;
export const PRICE_4K = 120;

export function generatePrice(model: GenerateModel, resolution: Resolution): number {
	return GENERATE[model][resolution];
}

export function extendPrice(model: ExtendModel): number {
	return EXTEND[model];
}
