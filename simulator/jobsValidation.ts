/**
 * Validation of `POST /api/v1/jobs/createTask` for kie's four Veo models. The body is
 * `{model, callBackUrl?, input: {...}}`; each model's input follows its published schema
 * (snake_case, except `veo/get-1080p-video`, whose task id is `taskId`). A create without a known
 * `model` is answered 422 "Invalid model", as kie does. Input fields a model does not have are
 * refused by name, so a client that sends the dedicated API's field names (`aspectRatio`,
 * `imageUrls`) learns it at once instead of getting a video that ignored them.
 */
import { MSG } from './envelope';
import type { Resolution } from './pricing';
import {
	ASPECT_RATIOS,
	check,
	checkImageCount,
	GENERATION_TYPES,
	imageUrlsOf,
	invalid,
	optionalBoolean,
	optionalEnum,
	optionalSeeds,
	optionalString,
	parseIndex,
	present,
	requiredText,
	requireObject,
	RESOLUTIONS,
	type AspectRatio,
	type Body,
	type Checked,
	type GenerationType,
} from './validation';

const JOBS_MODELS = ['veo-3-1', 'veo/extend', 'veo/get-1080p-video', 'veo/get-4k-video'] as const;
type JobsModel = (typeof JOBS_MODELS)[number];

/** veo-3-1 `duration`: an integer number of seconds. */
export const DURATIONS = [4, 6, 8] as const;

const INPUT_FIELDS: Record<JobsModel, readonly string[]> = {
	'veo-3-1': [
		'prompt',
		'aspect_ratio',
		'resolution',
		'duration',
		'generation_type',
		'image_urls',
		'enable_translation',
		'watermark',
		'seeds',
		'enable_fallback',
	],
	'veo/extend': ['task_id', 'prompt', 'seeds', 'watermark'],
	'veo/get-1080p-video': ['taskId', 'index'],
	'veo/get-4k-video': ['task_id', 'index'],
};

interface JobsGenerateInput {
	prompt: string;
	aspectRatio: AspectRatio;
	resolution: Resolution;
	duration: number;
	generationType: GenerationType;
	imageUrls: string[];
	seeds: number | null;
}

export type JobsRequest = { callBackUrl: string | null; body: Body } & (
	| { model: 'veo-3-1'; input: JobsGenerateInput }
	| { model: 'veo/extend'; input: { taskId: string; prompt: string; seeds: number | null } }
	| { model: 'veo/get-1080p-video' | 'veo/get-4k-video'; input: { taskId: string; index: number } }
);

function generateInput(input: Body): JobsGenerateInput {
	const prompt = requiredText(input, 'prompt');
	const durationSent = input.duration;
	if (present(durationSent) && !(DURATIONS as readonly unknown[]).includes(durationSent)) {
		invalid(`duration must be one of ${DURATIONS.join(', ')} (an integer number of seconds)`);
	}
	const sentType = optionalEnum(input, 'generation_type', GENERATION_TYPES);
	const imageUrls = imageUrlsOf(input, 'image_urls');
	checkImageCount(sentType, imageUrls.length, { urls: 'image_urls', type: 'generation_type' });
	optionalBoolean(input, 'enable_translation', true);
	optionalBoolean(input, 'enable_fallback', false);
	optionalString(input, 'watermark');
	return {
		prompt,
		aspectRatio: optionalEnum(input, 'aspect_ratio', ASPECT_RATIOS) ?? '16:9',
		resolution: optionalEnum(input, 'resolution', RESOLUTIONS) ?? '720p',
		duration: present(durationSent) ? (durationSent as number) : 8,
		generationType:
			sentType ?? (imageUrls.length > 0 ? 'FIRST_AND_LAST_FRAMES_2_VIDEO' : 'TEXT_2_VIDEO'),
		imageUrls,
		seeds: optionalSeeds(input),
	};
}

function indexOf(input: Body): number {
	const index = parseIndex(input.index);
	if (!index.ok) invalid(index.msg);
	return index.value;
}

export function validateJobsCreate(raw: unknown): Checked<JobsRequest> {
	return check(() => {
		const body = requireObject(raw);
		const model = body.model;
		if (typeof model !== 'string' || !(JOBS_MODELS as readonly string[]).includes(model))
			invalid(MSG.invalidModel);
		const callBackUrl = optionalString(body, 'callBackUrl');
		const input = body.input;
		if (typeof input !== 'object' || input === null || Array.isArray(input))
			invalid('input must be an object');
		const fields = INPUT_FIELDS[model as JobsModel];
		const unknown = Object.keys(input).find((key) => !fields.includes(key));
		if (unknown)
			invalid(`input.${unknown} is not a field of ${model} (its fields: ${fields.join(', ')})`);
		const given = input as Body;
		const common = { callBackUrl, body };
		switch (model as JobsModel) {
			case 'veo-3-1':
				return { ...common, model: 'veo-3-1', input: generateInput(given) };
			case 'veo/extend':
				optionalString(given, 'watermark');
				return {
					...common,
					model: 'veo/extend',
					input: {
						taskId: requiredText(given, 'task_id'),
						prompt: requiredText(given, 'prompt'),
						seeds: optionalSeeds(given),
					},
				};
			case 'veo/get-1080p-video':
				return {
					...common,
					model: 'veo/get-1080p-video',
					input: { taskId: requiredText(given, 'taskId'), index: indexOf(given) },
				};
			case 'veo/get-4k-video':
				return {
					...common,
					model: 'veo/get-4k-video',
					input: { taskId: requiredText(given, 'task_id'), index: indexOf(given) },
				};
		}
	});
}
