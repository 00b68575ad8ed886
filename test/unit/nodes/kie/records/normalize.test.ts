import {
	findTaskId,
	normalizeCallback,
	normalizeRecord,
} from '../../../../../nodes/kie/records/normalize';

describe('normalizeRecord', () => {
	it('reads the current record shape', () => {
		const result = normalizeRecord({
			taskId: 't1',
			successFlag: 1,
			response: {
				resultUrls: ['https://f/v.mp4'],
				originUrls: ['https://f/o.mp4'],
				resolution: '720p',
			},
			createTime: 1773967426000,
			completeTime: '2026-03-20 00:44:53',
			errorCode: null,
			errorMessage: '',
			fallbackFlag: false,
		});
		expect(result).toMatchObject({
			taskId: 't1',
			status: 'success',
			videoUrls: ['https://f/v.mp4'],
			originUrls: ['https://f/o.mp4'],
			resolution: '720p',
			fallback: false,
			errorCode: null,
			errorMessage: null,
			createdAt: '2026-03-20T00:43:46.000Z',
			completedAt: '2026-03-20T00:44:53.000Z',
		});
	});

	it('treats successFlag 2 and 3 as failed with kie reason', () => {
		for (const flag of [2, 3]) {
			const result = normalizeRecord({
				taskId: 't',
				successFlag: flag,
				errorCode: 501,
				errorMessage: 'Generation failed',
				response: null,
			});
			expect(result).toMatchObject({
				status: 'failed',
				errorCode: 501,
				errorMessage: 'Generation failed',
				videoUrls: [],
			});
		}
	});

	it('reads the legacy shape (data.status + JSON-string resultUrls)', () => {
		const result = normalizeRecord({ taskId: 't', status: 1, resultUrls: '["https://f/v.mp4"]' });
		expect(result.status).toBe('success');
		expect(result.videoUrls).toEqual(['https://f/v.mp4']);
	});

	it('reads extend results and string-encoded URL lists', () => {
		const result = normalizeRecord({
			taskId: 'x',
			successFlag: 1,
			response: { resultUrls: '["https://f/a.mp4"]', fullResultUrls: ['https://f/full.mp4'] },
		});
		expect(result.videoUrls).toEqual(['https://f/a.mp4']);
		expect(result.fullVideoUrls).toEqual(['https://f/full.mp4']);
	});

	it('keeps a generating task without errors', () => {
		expect(normalizeRecord({ taskId: 'g', successFlag: 0, errorCode: 0 })).toMatchObject({
			status: 'generating',
			errorCode: null,
		});
	});
});

describe('normalizeCallback: every documented callback variant (docs/kie-api.md#callback-body, docs/kie-api.md#callback-4k)', () => {
	it('generation success', () => {
		const cb = normalizeCallback({
			code: 200,
			msg: 'Veo3.1 video generated successfully.',
			data: {
				taskId: 't',
				info: { resultUrls: ['https://f/v.mp4'], originUrls: [], resolution: '1080p' },
				fallbackFlag: false,
				promptJson: '{}',
			},
		});
		expect(cb).toEqual({
			kind: 'generation',
			result: expect.objectContaining({
				taskId: 't',
				status: 'success',
				videoUrls: ['https://f/v.mp4'],
				resolution: '1080p',
			}),
		});
	});

	it('generation failure (no info)', () => {
		const cb = normalizeCallback({
			code: 400,
			msg: 'Your prompt was flagged by Website as violating content policies.',
			data: { taskId: 't', fallbackFlag: false },
		});
		expect(cb?.kind).toBe('generation');
		expect(cb?.result).toMatchObject({
			status: 'failed',
			errorCode: 400,
			errorMessage: 'Your prompt was flagged by Website as violating content policies.',
		});
	});

	it('fallback success', () => {
		const cb = normalizeCallback({
			code: 200,
			msg: 'ok (using fallback model).',
			data: {
				taskId: 't',
				info: { resultUrls: '[https://f/v.mp4]', resolution: '1080p' },
				fallbackFlag: true,
			},
		});
		expect(cb?.result).toMatchObject({
			status: 'success',
			fallback: true,
			videoUrls: ['https://f/v.mp4'],
		});
	});

	it('4K success, callback-page shape', () => {
		const cb = normalizeCallback({
			code: 200,
			msg: '4K Video generated successfully.',
			data: {
				taskId: 't',
				info: { resultUrls: ['https://f/4k.mp4'], imageUrls: ['https://f/t.jpg'] },
			},
		});
		expect(cb).toEqual({
			kind: '4k',
			result: expect.objectContaining({
				status: 'success',
				videoUrls: ['https://f/4k.mp4'],
				imageUrls: ['https://f/t.jpg'],
				resolution: '4k',
			}),
		});
	});

	it('4K success, OpenAPI shape (snake_case, task_id)', () => {
		const cb = normalizeCallback({
			code: 200,
			msg: 'success',
			data: {
				task_id: 'u-1',
				result_urls: ['https://f/4k.mp4'],
				media_ids: ['m'],
				image_urls: ['https://f/t.jpg'],
			},
		});
		expect(cb).toEqual({
			kind: '4k',
			result: expect.objectContaining({
				taskId: 'u-1',
				status: 'success',
				videoUrls: ['https://f/4k.mp4'],
			}),
		});
	});

	it('4K failure', () => {
		const cb = normalizeCallback({
			code: 500,
			msg: 'The 4K version of this video is unavailable. Please try a different video.',
			data: { taskId: 't' },
		});
		expect(cb).toEqual({
			kind: '4k',
			result: expect.objectContaining({ status: 'failed', errorCode: 500 }),
		});
	});

	it('finds the task id in every documented place, or none', () => {
		expect(findTaskId({ data: { taskId: 'a' } })).toBe('a');
		expect(findTaskId({ data: { task_id: 'b' } })).toBe('b');
		expect(findTaskId({ taskId: 'c', data: {} })).toBe('c');
		expect(findTaskId({ data: {} })).toBeUndefined();
		expect(normalizeCallback({ code: 200, data: {} })).toBeUndefined();
	});
});
