/**
 * Credit prices, §11 (kie.ai/pricing via third parties). The docs themselves only give ratios.
 * Quality 4K is 380 for T2V and 370 for I2V on the pricing page; the simulator uses 380 throughout.
 * REFERENCE_2_VIDEO costs the same as Fast/Lite, so generationType does not enter the price.
 */

export type GenerateModel = 'veo3' | 'veo3_fast' | 'veo3_lite';
export type ExtendModel = 'fast' | 'quality' | 'lite';
export type Resolution = '720p' | '1080p' | '4k';

const GENERATE: Record<GenerateModel, Record<Resolution, number>> = {
	veo3_fast: { '720p': 60, '1080p': 65, '4k': 180 },
	veo3_lite: { '720p': 30, '1080p': 35, '4k': 150 },
	veo3: { '720p': 250, '1080p': 255, '4k': 380 },
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
