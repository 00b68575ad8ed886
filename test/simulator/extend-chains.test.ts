/**
 * Extend of an extend (docs/kie-api.md#extend): each extend takes the previous extend's task ID,
 * its stitched (full) file grows with the chain, and the number of extensions has a limit
 * (`maxExtensions`, default 20: Google's; kie.ai documents none), set through the control API.
 */
import { generate, startHarness, waitDone, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
	h = await startHarness({ renderMs: 10 });
});
afterAll(async () => {
	await h.sim.stop();
});
beforeEach(() => {
	h.sim.reset();
});

async function extend(taskId: string, api: 'veo' | 'jobs' = 'veo') {
	const res =
		api === 'veo'
			? await h.api.post('/api/v1/veo/extend', { taskId, prompt: 'and then', model: 'lite' })
			: await h.api.post('/api/v1/jobs/createTask', {
					model: 'veo/extend',
					input: { task_id: taskId, prompt: 'and then' },
				});
	return res.data as { code: number; msg: string; data: { taskId: string } | null };
}

async function fullBytes(taskId: string): Promise<number> {
	const data = await waitDone(h.api, taskId);
	const file = await h.anon.get(data.response.fullResultUrls[0], { responseType: 'arraybuffer' });
	return (file.data as ArrayBuffer).byteLength;
}

it('extend of extend: each full file holds one more clip than the one before', async () => {
	const root = await generate(h.api);
	const clip = (
		await h.anon.get((await waitDone(h.api, root)).response.resultUrls[0], {
			responseType: 'arraybuffer',
		})
	).data.byteLength as number;
	let parent = root;
	for (let clips = 2; clips <= 4; clips++) {
		const answer = await extend(parent);
		expect(answer.code).toBe(200);
		parent = answer.data!.taskId;
		expect(await fullBytes(parent)).toBe(clips * clip);
	}
	expect(h.sim.task(parent)?.parentId).toBeDefined();
});

it('past maxExtensions (set through the control API) the next extend is refused with 422, uncharged', async () => {
	const set = await h.control.post('/config', { maxExtensions: 2 });
	expect(set.status).toBe(200);
	const root = await generate(h.api);
	await waitDone(h.api, root);
	let parent = root;
	for (let n = 0; n < 2; n++) {
		parent = (await extend(parent)).data!.taskId;
		await waitDone(h.api, parent);
	}
	const before = h.sim.tasks().reduce((sum, t) => sum + t.creditsCharged, 0);
	expect(await extend(parent)).toEqual({
		code: 422,
		msg: 'This video has reached the maximum number of extensions.',
		data: null,
	});
	// The Jobs API's extend keeps the same limit.
	expect((await extend(parent, 'jobs')).code).toBe(422);
	expect(h.sim.tasks()).toHaveLength(3);
	expect(h.sim.tasks().reduce((sum, t) => sum + t.creditsCharged, 0)).toBe(before);
	// A shorter chain of the same root may still be extended.
	expect((await extend(root)).code).toBe(200);
});

it('the default limit is 20 extensions', () => {
	expect(h.sim.config.maxExtensions).toBe(20);
});
