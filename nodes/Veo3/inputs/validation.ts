import type { INode } from 'n8n-workflow';

import { ParameterError } from '../../kie/errors/errors';

/**
 * Parameter checks that run before any request, so a mistake never costs a credit. Each error
 * names the field as the user sees it and says what is allowed (docs/kie-api.md#generate).
 */
export const MODELS = ['veo3', 'veo3_fast', 'veo3_lite'] as const;
export const REFERENCE_MODELS = ['veo3_fast', 'veo3_lite'] as const;
export const ASPECT_RATIOS = ['16:9', '9:16', 'Auto'] as const;
export const EXTEND_MODELS = ['fast', 'quality', 'lite'] as const;
export const RESOLUTIONS = ['720p', '1080p', '4k'] as const;
const SEED_MIN = 10000;
const SEED_MAX = 99999;
/** kie documents no prompt limit; 5000 characters is what its own tooling and peers use. */
export const PROMPT_MAX = 5000;

export type GenerationMode = 'text' | 'image' | 'firstAndLast' | 'reference';

export const MODE_RULES: Record<
	GenerationMode,
	{ label: string; min: number; max: number; generationType: string }
> = {
	text: { label: 'Text to Video', min: 0, max: 0, generationType: 'TEXT_2_VIDEO' },
	image: {
		label: 'Image to Video',
		min: 1,
		max: 1,
		generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
	},
	firstAndLast: {
		label: 'First and Last Frames',
		min: 2,
		max: 2,
		generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
	},
	reference: { label: 'Reference to Video', min: 1, max: 3, generationType: 'REFERENCE_2_VIDEO' },
};

export const GENERATION_MODES = Object.keys(MODE_RULES) as GenerationMode[];

function describe(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (typeof value === 'string')
		return value.length > 60 ? `"${value.slice(0, 57)}..."` : `"${value}"`;
	try {
		return JSON.stringify(value).slice(0, 60);
	} catch {
		return String(value);
	}
}

export function requirePrompt(node: INode, value: unknown, itemIndex: number): string {
	if (typeof value !== 'string') {
		throw new ParameterError(
			node,
			'Prompt',
			`expected text but got ${describe(value)}`,
			`text of 1 to ${PROMPT_MAX} characters`,
			itemIndex,
		);
	}
	const prompt = value.trim();
	if (prompt === '') {
		throw new ParameterError(
			node,
			'Prompt',
			'it is empty',
			`text of 1 to ${PROMPT_MAX} characters`,
			itemIndex,
		);
	}
	if (prompt.length > PROMPT_MAX) {
		throw new ParameterError(
			node,
			'Prompt',
			`it has ${prompt.length} characters`,
			`text of 1 to ${PROMPT_MAX} characters`,
			itemIndex,
		);
	}
	return prompt;
}

export function requireOneOf<T extends string>(
	node: INode,
	field: string,
	value: unknown,
	allowed: readonly T[],
	itemIndex: number,
): T {
	if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
		return value as T;
	throw new ParameterError(
		node,
		field,
		`${describe(value)} is not supported`,
		allowed.join(', '),
		itemIndex,
	);
}

/** Seeds must be whole numbers 10000–99999; empty means "let kie pick". */
export function optionalSeed(node: INode, value: unknown, itemIndex: number): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < SEED_MIN || n > SEED_MAX) {
		throw new ParameterError(
			node,
			'Seed',
			`${describe(value)} is not a whole number in range`,
			`a whole number from ${SEED_MIN} to ${SEED_MAX}`,
			itemIndex,
		);
	}
	return n;
}

export function requireTaskId(node: INode, value: unknown, itemIndex: number): string {
	const text = typeof value === 'number' ? String(value) : value;
	if (typeof text !== 'string' || text.trim() === '') {
		throw new ParameterError(
			node,
			'Task ID',
			`expected a task ID but got ${describe(value)}`,
			'the Task ID from Generate or Extend',
			itemIndex,
		);
	}
	if (!/^[A-Za-z0-9_-]{1,128}$/.test(text.trim())) {
		throw new ParameterError(
			node,
			'Task ID',
			`${describe(value)} is not a task ID`,
			'letters, digits, "_" and "-" (as returned by kie.ai)',
			itemIndex,
		);
	}
	return text.trim();
}

export function requireIndex(node: INode, value: unknown, itemIndex: number): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 9) {
		throw new ParameterError(
			node,
			'Video Index',
			`${describe(value)} is not a video index`,
			'a whole number from 0 (the first video)',
			itemIndex,
		);
	}
	return n;
}

export function requireHttpUrl(
	node: INode,
	field: string,
	value: unknown,
	itemIndex: number,
): string {
	if (typeof value === 'string') {
		try {
			const url = new URL(value.trim());
			if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
		} catch {
			// reported below
		}
	}
	throw new ParameterError(
		node,
		field,
		`${describe(value)} is not a URL`,
		'a public http:// or https:// URL',
		itemIndex,
	);
}

/**
 * Image URLs: an array (from an expression) is taken as given, one URL per entry; text is split on
 * new lines, and on commas only where the next part starts with http:// or https://, because image
 * CDNs put commas inside URLs (`…/tr:w_300,h_200/…`, `…/c_fill,w_300/…`).
 */
export function splitUrlList(value: unknown): unknown[] {
	if (Array.isArray(value))
		return value.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '');
	if (typeof value === 'string') {
		return value
			.split(/\r?\n|,\s*(?=https?:\/\/)/i)
			.map((s) => s.trim())
			.filter((s) => s !== '');
	}
	if (value === undefined || value === null) return [];
	return [value];
}

/** Accepts an array (from an expression), or text with one entry per line or comma-separated. */
export function splitList(value: unknown): unknown[] {
	if (Array.isArray(value))
		return value.flatMap((v) => (typeof v === 'string' ? splitList(v) : [v]));
	if (typeof value === 'string') {
		return value
			.split(/[\n,]+/)
			.map((s) => s.trim())
			.filter((s) => s !== '');
	}
	if (value === undefined || value === null || value === '') return [];
	return [value];
}

export function requireImageCount(
	node: INode,
	mode: GenerationMode,
	count: number,
	field: string,
	itemIndex: number,
): void {
	const rule = MODE_RULES[mode];
	if (count < rule.min || count > rule.max) {
		const allowed = rule.min === rule.max ? `exactly ${rule.min}` : `${rule.min} to ${rule.max}`;
		throw new ParameterError(
			node,
			field,
			`${count} image(s) given for ${rule.label}`,
			`${allowed} image(s) for ${rule.label}`,
			itemIndex,
		);
	}
}
