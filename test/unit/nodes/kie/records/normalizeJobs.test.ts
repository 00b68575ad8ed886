/**
 * Jobs API records and callbacks normalised to the node's one shape, whatever variant arrives:
 * `response` (parsed) preferred over `resultJson` (JSON text), string or number `failCode`, every
 * not-final `state`, and `creditsConsumed` carried when kie reports it.
 */
import { normalizeCallback, normalizeJobsRecord } from '../../../../../nodes/kie/records/normalize';

const URL_A = 'https://tempfile.aiquickdraw.com/v/a.mp4';

describe('normalizeJobsRecord', () => {
	it.each(['waiting', 'queuing', 'generating'])(
		'state %s is generating, with no error',
		(state) => {
			expect(
				normalizeJobsRecord({ taskId: 't', state, successFlag: 0, resultJson: null }),
			).toMatchObject({ status: 'generating', errorCode: null, videoUrls: [] });
		},
	);

	it('reads resultJson text when response is absent, and response when both are there', () => {
		const fromText = normalizeJobsRecord({
			taskId: 't',
			state: 'success',
			resultJson: JSON.stringify({ resultUrls: [URL_A] }),
		});
		expect(fromText).toMatchObject({ status: 'success', videoUrls: [URL_A] });
		const both = normalizeJobsRecord({
			taskId: 't',
			state: 'success',
			resultJson: '{"resultUrls":["https://old"]}',
			response: { resultUrls: [URL_A] },
		});
		expect(both.videoUrls).toEqual([URL_A]);
	});

	it('a failure carries failCode (string or number) and failMsg', () => {
		expect(
			normalizeJobsRecord({
				taskId: 't',
				state: 'fail',
				failCode: '501',
				failMsg: 'Generation failed',
			}),
		).toMatchObject({ status: 'failed', errorCode: 501, errorMessage: 'Generation failed' });
		expect(
			normalizeJobsRecord({ taskId: 't', state: 'fail', failCode: 400, failMsg: null }),
		).toMatchObject({ errorCode: 400, errorMessage: 'no reason given' });
	});

	it('carries creditsConsumed and the resolution asked for in param', () => {
		const record = normalizeJobsRecord({
			taskId: 't',
			state: 'success',
			creditsConsumed: 65.0,
			param: JSON.stringify({ model: 'veo-3-1', input: { resolution: '1080p' } }),
			response: { resultUrls: [URL_A] },
		});
		expect(record).toMatchObject({ creditsConsumed: 65, resolution: '1080p' });
		expect(normalizeJobsRecord({ taskId: 't', state: 'success' })).not.toHaveProperty(
			'creditsConsumed',
		);
	});
});

describe('normalizeCallback with Jobs-shaped bodies', () => {
	it('success: data.state and data.resultJson', () => {
		const cb = normalizeCallback({
			code: 200,
			msg: 'success',
			data: {
				taskId: 't1',
				callbackType: 'task_completed',
				state: 'success',
				resultJson: JSON.stringify({ resultUrls: [URL_A] }),
				failCode: null,
				failMsg: null,
			},
		});
		expect(cb).toMatchObject({
			kind: 'generation',
			result: { taskId: 't1', status: 'success', videoUrls: [URL_A] },
		});
	});

	it('failure: task_id key, state fail', () => {
		const cb = normalizeCallback({
			code: 501,
			msg: 'Generation failed',
			data: {
				task_id: 't2',
				state: 'fail',
				resultJson: null,
				failCode: '501',
				failMsg: 'Generation failed',
			},
		});
		expect(cb).toMatchObject({
			result: { taskId: 't2', status: 'failed', errorCode: 501, errorMessage: 'Generation failed' },
		});
	});

	it('a body code other than 200 without a state is a failure with msg as the reason', () => {
		const cb = normalizeCallback({
			code: 500,
			msg: 'Internal Error',
			data: { taskId: 't3', resultJson: null },
		});
		expect(cb).toMatchObject({ result: { status: 'failed', errorMessage: 'Internal Error' } });
	});
});
