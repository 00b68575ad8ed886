/**
 * Many input items: all submitted before any render ends, waited for together, one output item per
 * input item in input order, failures kept per item (continue-on-fail) or named (stop on error).
 */
import {
	bytesOf,
	ENDPOINT,
	FAST_TUNING,
	FAST_WAIT,
	runError,
	veo3Output,
	useSimulator,
} from './helpers';

const fx = useSimulator('sk-batch-5d20e7');

const generate = (extra: Record<string, unknown> = {}) => ({
	resource: 'video',
	operation: 'generate',
	prompt: '={{ $json.prompt }}',
	waitMode: 'poll',
	...FAST_TUNING,
	...extra,
	options: { ...FAST_WAIT, ...((extra.options as object) ?? {}) },
});

it('10 items: all succeed, in input order, paired, and the renders run at the same time', async () => {
	fx.sim.configure({ renderMs: 400 });
	const prompts = Array.from({ length: 10 }, (_, i) => `scene ${i}: a paper boat on a river`);
	const run = await fx.run(
		prompts.map((prompt, row) => ({ prompt, row })),
		generate(),
	);
	const out = veo3Output(run);

	expect(out).toHaveLength(10);
	expect(out.map((item) => item.json.prompt)).toEqual(prompts);
	expect(out.map((item) => item.pairedItem)).toEqual(prompts.map((_, i) => ({ item: i })));
	expect(out.every((item) => item.json.status === 'success')).toBe(true);

	// Each output item belongs to the task created for its own prompt.
	const tasks = fx.sim.tasks();
	expect(tasks).toHaveLength(10);
	for (const item of out) {
		expect(fx.sim.task(String(item.json.taskId))?.prompt).toBe(item.json.prompt);
		expect((await bytesOf(item.binary?.data)).subarray(4, 8).toString('latin1')).toBe('ftyp');
	}

	// Concurrency, from the simulator's clock: every task was created before the first render ended,
	// so no render waited for another one.
	const lastCreated = Math.max(...tasks.map((t) => t.createdAt));
	const firstCompleted = Math.min(...tasks.map((t) => t.completedAt ?? Infinity));
	expect(lastCreated).toBeLessThan(firstCompleted);
	expect(fx.sim.counters().rateLimited).toBe(0);
});

describe('continue on fail', () => {
	it('a mixed batch keeps the successes; error items carry taskId and status; one output per input', async () => {
		const prompts = [
			'a calm lake at dawn',
			'a storm [fail]',
			'   ',
			'a fox in snow',
			'a crowd [content-policy]',
		];
		const run = await fx.run(
			prompts.map((prompt) => ({ prompt })),
			generate(),
			{ onError: 'continueRegularOutput' },
		);
		const out = veo3Output(run);
		expect(out).toHaveLength(5);
		expect(out.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));

		const [calm, storm, blank, fox, crowd] = out;
		for (const ok of [calm, fox]) {
			expect(ok.json).toMatchObject({ status: 'success' });
			expect(ok.json.error).toBeUndefined();
			expect(ok.binary?.data?.mimeType).toBe('video/mp4');
		}
		expect(storm.json).toMatchObject({
			status: 'failed',
			errorCode: 501,
			errorMessage: 'Generation failed',
		});
		expect(storm.json.taskId).toEqual(expect.stringMatching(/^[0-9a-f]{32}$/));
		expect(String(storm.json.error)).toContain(String(storm.json.taskId));
		expect(storm.binary).toBeUndefined();

		expect(crowd.json).toMatchObject({ status: 'failed', errorCode: 400 });
		expect(String(crowd.json.errorMessage)).toMatch(/content polic/i);
		expect(String(crowd.json.description)).toMatch(/content policy/i);

		// The blank prompt never reached kie.ai: a parameter error, no task.
		expect(String(blank.json.error)).toContain('"Prompt"');
		expect(blank.json.taskId).toBeUndefined();
		expect(fx.sim.counters().tasksCreated).toBe(4);
		expect(
			fx.sim
				.tasks()
				.map((t) => t.prompt)
				.sort(),
		).toEqual([prompts[0], prompts[1], prompts[3], prompts[4]].sort());
	});

	it('a task still running at the wait limit is reported with its taskId and status, not dropped', async () => {
		fx.sim.configure({ renderMs: 60_000 });
		const run = await fx.run(
			[{ prompt: 'a very long take' }],
			generate({ options: { pollIntervalSeconds: 0.05, maxWaitMinutes: 0.005 } }),
			{
				onError: 'continueRegularOutput',
			},
		);
		const [item] = veo3Output(run);
		expect(item.json).toMatchObject({ status: 'timeout', taskId: fx.sim.tasks()[0].id });
		expect(String(item.json.error)).toContain(fx.sim.tasks()[0].id);
	});
});

describe('stop on error (the default)', () => {
	it('the node error names the task IDs created for the other items, so no paid video is lost', async () => {
		const run = await fx.run(
			[{ prompt: 'a bridge [fail]' }, { prompt: 'a tram at night' }, { prompt: 'a harbour' }],
			generate(),
		);
		const error = runError(run);
		const failed = fx.sim.tasks().find((t) => t.prompt.includes('[fail]'))!;
		const others = fx.sim.tasks().filter((t) => t.id !== failed.id);
		expect(others).toHaveLength(2);
		expect(error.message).toContain(failed.id);
		expect(error.message).toContain('Generation failed');
		for (const other of others) expect(error.description).toContain(other.id);
	});

	it('also names tasks of other items that failed or timed out', async () => {
		fx.sim.configure({ renderMs: 300 });
		const run = await fx.run(
			[{ prompt: 'first [fail]' }, { prompt: 'second [slow]' }, { prompt: 'third [fail]' }],
			generate({ options: { pollIntervalSeconds: 0.05, maxWaitMinutes: 0.01 } }),
		);
		const error = runError(run);
		const text = `${error.message}\n${error.description}`;
		for (const task of fx.sim.tasks()) expect(text).toContain(task.id);
	});

	it('one invalid item stops the node before anything is sent for the valid ones', async () => {
		const run = await fx.run([{ prompt: 'a valid prompt' }, { prompt: '' }], generate());
		const error = runError(run);
		expect(error.message).toContain('"Prompt"');
		expect(fx.apiRequests()).toEqual([]);
		expect(fx.sim.counters().tasksCreated).toBe(0);
	});
});

it("Don't Wait with many items: each item gets its taskId at once, status generating, nothing polled", async () => {
	fx.sim.configure({ renderMs: 60_000 });
	const run = await fx.run(
		[{ prompt: 'one' }, { prompt: 'two' }, { prompt: 'three' }],
		generate({ waitMode: 'none' }),
	);
	const out = veo3Output(run);
	expect(out.map((item) => item.json.prompt)).toEqual(['one', 'two', 'three']);
	for (const item of out) {
		expect(item.json.status).toBe('generating');
		expect(fx.sim.task(String(item.json.taskId))).toMatchObject({
			state: 'generating',
			prompt: item.json.prompt,
		});
		expect(item.binary).toBeUndefined();
	}
	expect(fx.apiRequests(ENDPOINT.recordInfo)).toEqual([]);
});
