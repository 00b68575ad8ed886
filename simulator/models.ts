/**
 * The Jobs API's discovery endpoints (kie's guide): `GET /api/v1/models[?taskType&provider&q]`,
 * `/api/v1/models/{model}/price`, `/schema` and `/success-rate`. All four share one budget of one
 * call per second. A model the catalog does not hold (the dedicated API's ids `veo3`, `veo3_fast`
 * and `veo3_lite` among them) is answered code 404.
 */
import { fail, ok, type ApiResult } from './envelope';
import { DURATIONS } from './jobsValidation';
import { discoveryAllowed } from './limits';
import { isSuccessful } from './outcomes';
import type { SimState } from './state';
import type { Task } from './types';
import { ASPECT_RATIOS, GENERATION_TYPES, RESOLUTIONS } from './validation';

interface CatalogModel {
	model: string;
	title: string;
	provider: string;
	taskType: string[];
	/** Prose, as kie writes it; it matches what is billed. */
	pricingDesc: string;
}

/** kie's Veo 3.1 prices in credits (1 credit ≈ $0.005), as its pricingDesc of 2026-10 gives them. */
const CATALOG: readonly CatalogModel[] = [
	{
		model: 'veo-3-1',
		title: 'Veo 3.1',
		provider: 'google',
		taskType: ['text-to-video', 'image-to-video'],
		pricingDesc:
			'Veo 3.1 per video: Lite 720p 30 credits, 1080p 35, 4K 150; Fast 720p 60, 1080p 65, 4K 180; Quality 720p 250, 1080p 255, 4K 370.',
	},
	{
		model: 'veo/extend',
		title: 'Veo 3.1 Extend',
		provider: 'google',
		taskType: ['video-to-video'],
		pricingDesc: 'Veo 3.1 extend per video: Lite 30 credits, Fast 60, Quality 250.',
	},
	{
		model: 'veo/get-1080p-video',
		title: 'Veo 3.1 1080P',
		provider: 'google',
		taskType: ['video-upscale'],
		pricingDesc: '5 credits per 1080P video.',
	},
	{
		model: 'veo/get-4k-video',
		title: 'Veo 3.1 4K',
		provider: 'google',
		taskType: ['video-upscale'],
		pricingDesc: '120 credits per 4K video.',
	},
	{
		model: 'google/nano-banana',
		title: 'Nano Banana',
		provider: 'google',
		taskType: ['text-to-image'],
		pricingDesc: '4 credits per image.',
	},
];

const MODEL_NOT_FOUND = 'The model does not exist';

function inputSchema(model: string): Record<string, unknown> {
	const text = { type: 'string' };
	const index = { type: 'integer', minimum: 0, default: 0 };
	switch (model) {
		case 'veo-3-1':
			return {
				required: ['prompt'],
				properties: {
					prompt: text,
					aspect_ratio: { type: 'string', enum: ASPECT_RATIOS, default: '16:9' },
					resolution: { type: 'string', enum: RESOLUTIONS, default: '720p' },
					duration: { type: 'integer', enum: DURATIONS, default: 8 },
					generation_type: { type: 'string', enum: GENERATION_TYPES },
					image_urls: { type: 'array', items: { type: 'string', format: 'uri' } },
				},
			};
		case 'veo/extend':
			return { required: ['task_id', 'prompt'], properties: { task_id: text, prompt: text } };
		case 'veo/get-1080p-video':
			return { required: ['taskId'], properties: { taskId: text, index } };
		case 'veo/get-4k-video':
			return { required: ['task_id'], properties: { task_id: text, index } };
		default:
			return { required: ['prompt'], properties: { prompt: text } };
	}
}

/** A small OpenAPI 3.1 document for createTask with this model's `input`. */
function openapiOf(model: string): Record<string, unknown> {
	const input = { type: 'object', ...inputSchema(model) };
	const body = {
		type: 'object',
		required: ['model', 'input'],
		properties: {
			model: { type: 'string', enum: [model] },
			callBackUrl: { type: 'string', format: 'uri' },
			input,
		},
	};
	return {
		openapi: '3.1.0',
		info: { title: model, version: '1' },
		paths: {
			'/api/v1/jobs/createTask': {
				post: {
					requestBody: { required: true, content: { 'application/json': { schema: body } } },
				},
			},
		},
	};
}

const BUCKET_MS = 10 * 60_000;
const BUCKETS = 24 * 6;
const HOUR_MS = 60 * 60_000;

/** The Jobs model a task counts for: its own, or the Jobs model of what the dedicated API did. */
function modelOf(task: Task): string {
	if (task.jobs) return task.jobs.model;
	return task.kind === 'extend' ? 'veo/extend' : 'veo-3-1';
}

/** Last 24 h in 10-minute buckets, from the tasks that finished in each (null when none did). */
function successRate(state: SimState, model: string): Array<Record<string, unknown>> {
	const scale = state.config.successRateScale === 'percent' ? 100 : 1;
	const override = state.config.successRateOverride;
	const end = Math.ceil(Date.now() / BUCKET_MS) * BUCKET_MS;
	const finished = [...state.tasks.values()].filter(
		(t) => t.completedAt !== null && modelOf(t) === model,
	);
	const buckets: Array<Record<string, unknown>> = [];
	for (let i = BUCKETS - 1; i >= 0; i--) {
		const to = end - i * BUCKET_MS;
		const from = to - BUCKET_MS;
		const inBucket = finished.filter(
			(t) => (t.completedAt as number) >= from && (t.completedAt as number) < to,
		);
		let rate: number | null =
			inBucket.length === 0
				? null
				: inBucket.filter((t) => isSuccessful(t.outcome)).length / inBucket.length;
		if (override !== null && to > Date.now() - HOUR_MS) rate = override;
		buckets.push({
			start: from,
			end: to,
			successRate: rate === null ? null : Math.round(rate * scale * 1000) / 1000,
			errorRate: rate === null ? null : Math.round((1 - rate) * scale * 1000) / 1000,
			// The simulator's threshold; kie does not say what it calls normal.
			isNormal: rate === null ? null : rate >= 0.8,
		});
	}
	return buckets;
}

export function handleModels(state: SimState, query: URLSearchParams): ApiResult {
	const limited = discoveryAllowed(state);
	if (limited) return limited;
	const taskType = query.get('taskType');
	const provider = query.get('provider');
	const q = query.get('q')?.toLowerCase();
	const models = CATALOG.filter(
		(m) =>
			(!taskType || m.taskType.includes(taskType)) &&
			(!provider || m.provider === provider) &&
			(!q || m.model.toLowerCase().includes(q) || m.title.toLowerCase().includes(q)),
	);
	return ok({ models });
}

export type ModelAspect = 'price' | 'schema' | 'success-rate';

export function handleModelAspect(state: SimState, model: string, aspect: ModelAspect): ApiResult {
	const limited = discoveryAllowed(state);
	if (limited) return limited;
	const entry = CATALOG.find((m) => m.model === model);
	if (!entry) return fail(404, MODEL_NOT_FOUND);
	if (aspect === 'price') return ok({ model, pricingDesc: entry.pricingDesc });
	if (aspect === 'schema') return ok({ model, openapi: openapiOf(model) });
	return ok(successRate(state, model));
}
