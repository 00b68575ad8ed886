/** The reuse memory of Deduplicate By: its window, hashed keys, process-wide copy and size bound. */
import type { IDataObject } from 'n8n-workflow';

import {
	hashKey,
	MAX_REMEMBERED_TASKS,
	REUSE_FIELD,
	ReuseMemory,
} from '../../../../../nodes/Veo3/money/reuseMemory';

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
		for (let i = 0; i < MAX_REMEMBERED_TASKS; i++)
			entries[`k${i}`] = { taskId: `t${i}`, at: now - MAX_REMEMBERED_TASKS + i };
		const data: IDataObject = { [REUSE_FIELD]: entries };
		new ReuseMemory(data, undefined, DAY, clock).remember('new', 't-new');
		const kept = data[REUSE_FIELD] as IDataObject;
		expect(Object.keys(kept)).toHaveLength(MAX_REMEMBERED_TASKS);
		expect(kept.k0).toBeUndefined();
		expect(kept.new).toMatchObject({ taskId: 't-new' });
	});
});
