import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { ParameterError } from '../../kie/errors/errors';
import { PROMPT_MAX } from './validation';

/**
 * How many times one video may be extended. kie.ai documents no limit; Google's Veo (which kie.ai
 * resells) allows 20 extensions of 7 s each, so a chain is 1 generated scene plus at most 20.
 */
export const MAX_EXTENSIONS = 20;
export const MAX_SCENES = MAX_EXTENSIONS + 1;

/** The scenes of one video, and the input items it came from. */
export interface SceneSource {
	/** The item whose parameters (model, images, options) scene 1 uses; also the ledger's item. */
	lead: number;
	/** Every input item of this video, in input order (the output item's pairedItem). */
	items: number[];
	/** The grouping value (scenes from input items only). */
	group?: string;
	prompts: string[];
	/** Set when the scenes cannot be used: nothing is sent for this video. */
	error?: Error;
}

const ALLOWED_SCENES = `1 to ${MAX_SCENES} scenes (1 generated, up to ${MAX_EXTENSIONS} extensions), each a prompt of 1 to ${PROMPT_MAX} characters`;

function checkPrompts(node: INode, field: string, prompts: unknown[], itemIndex: number): string[] {
	if (prompts.length === 0)
		throw new ParameterError(node, field, 'no scene given', ALLOWED_SCENES, itemIndex);
	if (prompts.length > MAX_SCENES)
		throw new ParameterError(
			node,
			field,
			`${prompts.length} scenes given`,
			ALLOWED_SCENES,
			itemIndex,
		);
	return prompts.map((value, position) => {
		const prompt = typeof value === 'string' ? value.trim() : undefined;
		if (prompt === undefined || prompt === '' || prompt.length > PROMPT_MAX) {
			const problem =
				prompt === undefined
					? `scene ${position + 1} is not text (${JSON.stringify(value)?.slice(0, 40)})`
					: prompt === ''
						? `scene ${position + 1} is empty`
						: `scene ${position + 1} is ${prompt.length} characters long`;
			throw new ParameterError(node, field, problem, ALLOWED_SCENES, itemIndex);
		}
		return prompt;
	});
}

/**
 * The "Scenes" field: text with one prompt per line (blank lines dropped; commas belong to the
 * prompts), or an expression giving a list of prompts or of objects with a `prompt`.
 */
export function parseSceneList(node: INode, value: unknown, itemIndex: number): string[] {
	let list: unknown = value;
	if (typeof value === 'string' && value.trim().startsWith('[')) {
		try {
			list = JSON.parse(value);
		} catch {
			list = value;
		}
	}
	const prompts = Array.isArray(list)
		? list.map((entry) =>
				entry && typeof entry === 'object' && !Array.isArray(entry)
					? (entry as { prompt?: unknown }).prompt
					: entry,
			)
		: typeof list === 'string'
			? list
					.split(/\r?\n/)
					.map((line) => line.trim())
					.filter((line) => line !== '')
			: [list];
	return checkPrompts(node, 'Scenes', prompts, itemIndex);
}

function field(ctx: IExecuteFunctions, name: string, label: string, fallback: string): string {
	const value = ctx.getNodeParameter(name, 0, fallback);
	if (typeof value !== 'string')
		throw new ParameterError(
			ctx.getNode(),
			label,
			`${JSON.stringify(value)} is not a field name`,
			'a field name, or empty',
			0,
		);
	return value.trim();
}

function orderOf(value: unknown): number | undefined {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * One input item per scene: items with the same value in the group field form one video (all items
 * form one when the field is empty), ordered by the order field (input order when it is empty).
 * Videos come in the order their first item arrives. A video with a missing or repeated value gets
 * its error and sends nothing; an item with no group value is a video of its own that fails.
 */
export function groupSceneItems(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
): SceneSource[] {
	const node = ctx.getNode();
	const groupField = field(ctx, 'groupByField', 'Group By Field', 'video');
	const orderField = field(ctx, 'sceneOrderField', 'Scene Order Field', 'scene');
	const promptField = field(ctx, 'promptField', 'Prompt Field', 'prompt');
	if (promptField === '')
		throw new ParameterError(
			node,
			'Prompt Field',
			'it is empty',
			'a field name such as "prompt"',
			0,
		);
	const groups = new Map<string, number[]>();
	const sources: SceneSource[] = [];
	items.forEach((item, index) => {
		const raw = groupField === '' ? '' : item.json[groupField];
		const key = raw === undefined || raw === null ? '' : String(raw).trim();
		if (groupField !== '' && key === '') {
			const error = new ParameterError(
				node,
				'Group By Field',
				`item ${index} has no "${groupField}" value`,
				'a value in every item saying which video its scene belongs to',
				index,
			);
			sources.push({ lead: index, items: [index], prompts: [], error });
			return;
		}
		const members = groups.get(key);
		if (members) members.push(index);
		else {
			groups.set(key, [index]);
			sources.push({ lead: index, items: groups.get(key)!, group: key, prompts: [] });
		}
	});
	for (const source of sources) {
		if (source.error) continue;
		try {
			const ordered = sceneOrder(node, items, source.items, orderField);
			source.lead = ordered[0];
			source.prompts = checkPrompts(
				node,
				`Prompt Field ("${promptField}")`,
				ordered.map((index) => items[index].json[promptField]),
				source.lead,
			);
			if (groupField === '') delete source.group;
		} catch (error) {
			source.error = error as Error;
		}
	}
	return sources;
}

function sceneOrder(
	node: INode,
	items: INodeExecutionData[],
	members: number[],
	orderField: string,
): number[] {
	if (orderField === '') return [...members];
	const seen = new Map<number, number>();
	for (const index of members) {
		const order = orderOf(items[index].json[orderField]);
		const allowed = `a number in every item, different for each scene of a video`;
		if (order === undefined)
			throw new ParameterError(
				node,
				'Scene Order Field',
				`item ${index} has no number in "${orderField}"`,
				allowed,
				index,
			);
		if (seen.has(order))
			throw new ParameterError(
				node,
				'Scene Order Field',
				`items ${seen.get(order)} and ${index} are both scene ${order}`,
				allowed,
				index,
			);
		seen.set(order, index);
	}
	return [...seen.entries()].sort(([a], [b]) => a - b).map(([, index]) => index);
}
