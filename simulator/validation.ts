/**
 * Request validation for the Veo endpoints. kie's exact 422 texts are undocumented, so every message
 * names the field and the allowed values (e.g. "model must be one of veo3, veo3_fast, veo3_lite").
 * Where docs disagree on the *input*, the simulator accepts every documented shape (docs/kie-api.md#aspect-ratio: both
 * `aspect_ratio` and `aspectRatio`).
 */
import { MSG } from './envelope';
import type { ExtendModel, GenerateModel, Resolution } from './pricing';

export type AspectRatio = '16:9' | '9:16' | 'Auto';
export type GenerationType = 'TEXT_2_VIDEO' | 'FIRST_AND_LAST_FRAMES_2_VIDEO' | 'REFERENCE_2_VIDEO';

const MODELS: readonly GenerateModel[] = ['veo3', 'veo3_fast', 'veo3_lite'];
const EXTEND_MODELS: readonly ExtendModel[] = ['fast', 'quality', 'lite'];
export const ASPECT_RATIOS: readonly AspectRatio[] = ['16:9', '9:16', 'Auto'];
export const GENERATION_TYPES: readonly GenerationType[] = [
	'TEXT_2_VIDEO',
	'FIRST_AND_LAST_FRAMES_2_VIDEO',
	'REFERENCE_2_VIDEO',
];
export const RESOLUTIONS: readonly Resolution[] = ['720p', '1080p', '4k'];
const SEED_MIN = 10000;
const SEED_MAX = 99999;

export type Checked<T> = { ok: true; value: T } | { ok: false; msg: string };

interface GenerateParams {
	prompt: string;
	model: GenerateModel;
	aspectRatio: AspectRatio;
	generationType: GenerationType;
	/** Which defaulted fields were actually sent (only sent values are echoed in paramJson). */
	sent: { generationType: boolean; resolution: boolean };
	imageUrls: string[];
	resolution: Resolution;
	seeds: number | null;
	watermark: string | null;
	callBackUrl: string | null;
	enableTranslation: boolean;
	enableFallback: boolean;
}

interface ExtendParams {
	taskId: string;
	prompt: string;
	model: ExtendModel;
	seeds: number | null;
	watermark: string | null;
	callBackUrl: string | null;
}

export interface FourKParams {
	taskId: string;
	index: number;
	callBackUrl: string | null;
}

export type Body = Record<string, unknown>;

class Invalid extends Error {}

export function invalid(msg: string): never {
	throw new Invalid(msg);
}

/** Run a validator that throws `Invalid`, converting to a Checked result. */
export function check<T>(fn: () => T): Checked<T> {
	try {
		return { ok: true, value: fn() };
	} catch (e) {
		if (e instanceof Invalid) return { ok: false, msg: e.message };
		throw e;
	}
}

/** null and undefined both mean "not sent" for optional fields. */
export function present(v: unknown): boolean {
	return v !== undefined && v !== null;
}

export function requireObject(body: unknown): Body {
	if (typeof body !== 'object' || body === null || Array.isArray(body))
		invalid('request body must be a JSON object');
	return body as Body;
}

export function requiredText(body: Body, field: string): string {
	const v = body[field];
	if (!present(v)) invalid(`${field} is required`);
	if (typeof v !== 'string') invalid(`${field} must be a string`);
	if (v.trim() === '') invalid(`${field} is required`);
	return v;
}

export function optionalEnum<T extends string>(
	body: Body,
	field: string,
	allowed: readonly T[],
): T | null {
	const v = body[field];
	if (!present(v)) return null;
	if (typeof v !== 'string' || !allowed.includes(v as T))
		invalid(`${field} must be one of ${allowed.join(', ')}`);
	return v as T;
}

export function optionalString(body: Body, field: string): string | null {
	const v = body[field];
	if (!present(v)) return null;
	if (typeof v !== 'string') invalid(`${field} must be a string`);
	return v;
}

export function optionalBoolean(body: Body, field: string, fallback: boolean): boolean {
	const v = body[field];
	if (!present(v)) return fallback;
	if (typeof v !== 'boolean') invalid(`${field} must be a boolean (true or false)`);
	return v;
}

export function optionalSeeds(body: Body): number | null {
	const v = body.seeds;
	if (!present(v)) return null;
	if (typeof v !== 'number' || !Number.isInteger(v) || v < SEED_MIN || v > SEED_MAX) {
		invalid(`seeds must be an integer between ${SEED_MIN} and ${SEED_MAX}`);
	}
	return v;
}

export function isHttpUrl(v: string): boolean {
	try {
		const u = new URL(v);
		return u.protocol === 'http:' || u.protocol === 'https:';
	} catch {
		return false;
	}
}

/** docs/kie-api.md#aspect-ratio, where the kie.ai pages disagree: accept `aspect_ratio` (G2/G3 schema) and `aspectRatio` (G0, echoes); they must agree. */
function aspectRatioOf(body: Body): AspectRatio {
	const snake = optionalEnum(body, 'aspect_ratio', ASPECT_RATIOS);
	const camel = optionalEnum(body, 'aspectRatio', ASPECT_RATIOS);
	if (snake && camel && snake !== camel) invalid('aspect_ratio and aspectRatio must not disagree');
	return snake ?? camel ?? '16:9';
}

export function imageUrlsOf(body: Body, field = 'imageUrls'): string[] {
	const v = body[field];
	if (!present(v)) return [];
	if (!Array.isArray(v)) invalid(`${field} must be an array of http(s) URLs`);
	v.forEach((u, i) => {
		if (typeof u !== 'string' || !isHttpUrl(u)) invalid(`${field}[${i}] must be an http(s) URL`);
	});
	return v as string[];
}

/** Field names of the image list and the mode: camelCase on /veo/generate, snake_case in Jobs input. */
interface ImageFields {
	urls: string;
	type: string;
}

const VEO_IMAGE_FIELDS: ImageFields = { urls: 'imageUrls', type: 'generationType' };

/** Image counts per mode (docs/kie-api.md#generation-modes); absent generationType is auto-detected from imageUrls (docs/kie-api.md#generate-request). */
export function checkImageCount(
	type: GenerationType | null,
	count: number,
	f: ImageFields = VEO_IMAGE_FIELDS,
): void {
	if (type === 'TEXT_2_VIDEO' && count > 0)
		invalid(`${f.urls} must be empty when ${f.type} is TEXT_2_VIDEO`);
	if (type === 'FIRST_AND_LAST_FRAMES_2_VIDEO' && (count < 1 || count > 2)) {
		invalid(`${f.urls} must contain 1 or 2 images when ${f.type} is FIRST_AND_LAST_FRAMES_2_VIDEO`);
	}
	if (type === 'REFERENCE_2_VIDEO' && (count < 1 || count > 3)) {
		invalid(`${f.urls} must contain 1 to 3 images when ${f.type} is REFERENCE_2_VIDEO`);
	}
	if (type === null && count > 2) {
		invalid(`${f.urls} must contain at most 2 images unless ${f.type} is REFERENCE_2_VIDEO`);
	}
}

export function validateGenerate(raw: unknown): Checked<GenerateParams> {
	return check(() => {
		const body = requireObject(raw);
		const prompt = requiredText(body, 'prompt');
		// The docs give a default (veo3_fast), but kie answers a create without `model` with 422
		// "Invalid model" (observed live), so the simulator does too.
		if (!present(body.model)) invalid(MSG.invalidModel);
		const model = optionalEnum(body, 'model', MODELS) as GenerateModel;
		const aspectRatio = aspectRatioOf(body);
		const sentType = optionalEnum(body, 'generationType', GENERATION_TYPES);
		const imageUrls = imageUrlsOf(body);
		checkImageCount(sentType, imageUrls.length);
		const generationType =
			sentType ?? (imageUrls.length > 0 ? 'FIRST_AND_LAST_FRAMES_2_VIDEO' : 'TEXT_2_VIDEO');
		// docs/kie-api.md#generation-modes, where the kie.ai pages disagree: newest page says Fast and Lite (no ratio limit); older pages said Fast only / 16:9 only.
		if (generationType === 'REFERENCE_2_VIDEO' && model === 'veo3') {
			invalid('REFERENCE_2_VIDEO supports only model veo3_fast or veo3_lite');
		}
		const resolution = optionalEnum(body, 'resolution', RESOLUTIONS);
		return {
			prompt,
			model,
			aspectRatio,
			generationType,
			sent: { generationType: sentType !== null, resolution: resolution !== null },
			imageUrls,
			resolution: resolution ?? '720p', // G3 default (docs/kie-api.md#doc-versions)
			seeds: optionalSeeds(body),
			watermark: optionalString(body, 'watermark'),
			callBackUrl: optionalString(body, 'callBackUrl'),
			enableTranslation: optionalBoolean(body, 'enableTranslation', true), // default true (docs/kie-api.md#generate-request)
			enableFallback: optionalBoolean(body, 'enableFallback', false),
		};
	});
}

export function validateExtend(raw: unknown): Checked<ExtendParams> {
	return check(() => {
		const body = requireObject(raw);
		return {
			taskId: requiredText(body, 'taskId'),
			prompt: requiredText(body, 'prompt'),
			model: optionalEnum(body, 'model', EXTEND_MODELS) ?? 'fast', // default fast (docs/kie-api.md#extend)
			seeds: optionalSeeds(body),
			watermark: optionalString(body, 'watermark'),
			callBackUrl: optionalString(body, 'callBackUrl'),
		};
	});
}

/** `index` arrives as a JSON number (4K body) or a query string (1080p; the G2 example shows '0') (docs/kie-api.md#doc-versions). */
export function parseIndex(v: unknown): Checked<number> {
	return check(() => {
		if (!present(v) || v === '') return 0;
		const n = typeof v === 'string' ? Number(v) : v;
		if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
			invalid('index must be a non-negative integer');
		return n;
	});
}

export function validateFourK(raw: unknown): Checked<FourKParams> {
	return check(() => {
		const body = requireObject(raw);
		const taskId = requiredText(body, 'taskId');
		const index = parseIndex(body.index);
		if (!index.ok) invalid(index.msg);
		return { taskId, index: index.value, callBackUrl: optionalString(body, 'callBackUrl') };
	});
}

export function validateTaskIdQuery(v: string | null): Checked<string> {
	return check(() => {
		if (v === null || v.trim() === '') invalid('taskId is required');
		return v;
	});
}
