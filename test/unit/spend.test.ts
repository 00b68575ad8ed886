/**
 * The price table against kie's published figures, the estimate for every request, the balance
 * arithmetic, and the reuse memory's window, hashing and size bound.
 */
import type { IDataObject } from 'n8n-workflow';

import { estimateCredits, PRICE_TABLE, videosAffordable } from '../../nodes/Veo3/helpers/prices';
import { hashKey, MAX_REMEMBERED_TASKS, REUSE_FIELD, ReuseMemory } from '../../nodes/Veo3/helpers/reuseMemory';
import { itemsCovered } from '../../nodes/Veo3/helpers/spendGuard';

describe('price table', () => {
	// kie's pricingDesc of veo-3-1 (October 2026): Lite 30/35/150, Fast 60/65/180, Quality 250/255/370;
	// Extend at the tier's clip price; Get 1080p 5; Get 4K 120.
	const published: Array<[string, string, number]> = [
		['veo3_lite', '720p', 30], ['veo3_lite', '1080p', 35], ['veo3_lite', '4k', 150],
		['veo3_fast', '720p', 60], ['veo3_fast', '1080p', 65], ['veo3_fast', '4k', 180],
		['veo3', '720p', 250], ['veo3', '1080p', 255], ['veo3', '4k', 370],
	];

	it.each(published)('Generate %s %s costs %i', (model, resolution, credits) => {
		expect(estimateCredits({ operation: 'generate', model: model as 'veo3', resolution: resolution as '720p' })).toBe(credits);
		// Duration does not change kie's per-clip price.
		for (const duration of [4, 6, 8]) expect(estimateCredits({ operation: 'generate', model: model as 'veo3', resolution: resolution as '720p', duration })).toBe(credits);
	});

	it('covers every model and resolution of the table, and nothing else', () => {
		const cells = Object.entries(PRICE_TABLE.generate).flatMap(([model, byRes]) => Object.keys(byRes).map((res) => `${model} ${res}`));
		expect(cells.sort()).toEqual(published.map(([m, r]) => `${m} ${r}`).sort());
	});

	it('Extend, Get 1080p and Get 4K', () => {
		expect(['lite', 'fast', 'quality'].map((model) => estimateCredits({ operation: 'extend', model: model as 'fast' }))).toEqual([30, 60, 250]);
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

	it('items a balance covers, in order', () => {
		expect(itemsCovered(200, [60, 60, 60, 60, 60])).toBe(3);
		expect(itemsCovered(59.5, [60])).toBe(0);
		expect(itemsCovered(300, [60, 250, 30])).toBe(1);
	});
});

describe('reuse memory', () => {
	const DAY = 86_400_000;
	let now = 1_000_000;
	const clock = () => now;

	it('finds a task within the window, forgets it after, and keeps keys hashed', () => {
		const data: IDataObject = {};
		const memory = new ReuseMemory(data, undefined, 14 * DAY, clock);
		const key = hashKey('generate', 'row 7');
		memory.remember(key, 'task-1');
		expect(memory.find(key)).toMatchObject({ taskId: 'task-1' });
		expect(JSON.stringify(data)).not.toContain('row 7');
		expect(hashKey('extend', 'row 7')).not.toBe(key);
		now += 14 * DAY + 1;
		expect(new ReuseMemory(data, undefined, 14 * DAY, clock).find(key)).toBeUndefined();
	});

	it('forget() drops one key; the newest entry wins between process and static data', () => {
		const data: IDataObject = {};
		const memory = new ReuseMemory(data, 'wf:node', DAY, clock);
		memory.remember('a', 't-a');
		memory.remember('b', 't-b');
		memory.forget('a');
		expect(Object.keys(data[REUSE_FIELD] as IDataObject)).toEqual(['b']);
		// Another execution in this process (its own, older static data copy) still sees 'b'.
		expect(new ReuseMemory({}, 'wf:node', DAY, clock).find('b')).toMatchObject({ taskId: 't-b' });
		expect(new ReuseMemory({}, undefined, DAY, clock).find('b')).toBeUndefined();
	});

	it(`keeps at most ${MAX_REMEMBERED_TASKS} entries, dropping the oldest`, () => {
		const entries: IDataObject = {};
		for (let i = 0; i < MAX_REMEMBERED_TASKS; i++) entries[`k${i}`] = { taskId: `t${i}`, at: now - MAX_REMEMBERED_TASKS + i };
		const data: IDataObject = { [REUSE_FIELD]: entries };
		new ReuseMemory(data, undefined, DAY, clock).remember('new', 't-new');
		const kept = data[REUSE_FIELD] as IDataObject;
		expect(Object.keys(kept)).toHaveLength(MAX_REMEMBERED_TASKS);
		expect(kept.k0).toBeUndefined();
		expect(kept.new).toMatchObject({ taskId: 't-new' });
	});
});
