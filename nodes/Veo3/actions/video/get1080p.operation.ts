import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { downloadVideo } from '../../inputs/binary';
import { readOutputField } from '../../inputs/createInputs';
import {
	KieApiError,
	not1080pUpgradableError,
	UnexpectedAnswerError,
	WaitTimeoutError,
} from '../../../kie/errors/errors';
import { toNodeError } from '../../../kie/errors/toNodeError';
import { pause } from '../../../kie/base/pause';
import { estimateCredits } from '../../money/prices';
import { inRange, RANGES } from '../../inputs/settings';
import { settle } from '../../../kie/base/settle';
import { requireIndex } from '../../inputs/validation';
import type { ApiConfig, RetryPolicy } from '../../../kie/base/interfaces';
import { normalizeJobsRecord } from '../../../kie/records/normalize';
import {
	pollDelays,
	waitSettings,
	waitUntilFinal,
	type WaitSettings,
} from '../../../kie/records/waiting';
import { ENDPOINTS, kieRequest } from '../../../kie/transport';
import { isUnknownTask, jobsUpgradeBody } from '../../../kie/transport/jobs';
import { taskIdProperty, videoIndexProperty } from '../common.descriptions';
import { executeReadOperation } from '../readOperation';

const properties: INodeProperties[] = [
	{
		...taskIdProperty,
		description:
			'The Task ID of a finished 16:9 video (videos kie.ai made with its backup model are already 1080p)',
	},
	videoIndexProperty,
	{
		displayName: 'Download Video',
		name: 'downloadVideo',
		type: 'boolean',
		default: true,
		description: 'Whether to put the 1080p MP4 into a binary field',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyOutput',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the video in',
		displayOptions: { show: { downloadVideo: [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Max Wait Time (Minutes)',
				name: 'maxWaitMinutes',
				type: 'number',
				default: 5,
				typeOptions: { minValue: 0.01, numberPrecision: 2 },
				description: 'Kie.ai needs 1–3 minutes to make the 1080p version; wait at most this long',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollIntervalSeconds',
				type: 'number',
				default: 20,
				typeOptions: { minValue: 0.05, numberPrecision: 2 },
				description:
					'How often to check while kie.ai prepares the 1080p version (kie.ai suggests every 20–30 seconds)',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['get1080p'] } },
	properties,
);

/**
 * kie's "not ready yet" answers while it makes the 1080p file: 400 "1080P is processing…" (the
 * documented one) and 422 "…being generated" (seen by clients). Both code and words must match: a
 * 500 "…while processing the request" is a server error, not a state to wait out.
 */
function isStillMaking1080p(error: unknown): boolean {
	if (!(error instanceof KieApiError)) return false;
	if (error.code === 400) return /1080p? is processing/i.test(error.kieMessage);
	if (error.code === 422) return /being generated|1080p? is processing/i.test(error.kieMessage);
	return false;
}

/**
 * A Jobs API video (or any video, once kie retires the dedicated endpoint) is upgraded by a
 * `veo/get-1080p-video` task of its own, waited for until its record has the URL.
 */
async function jobs1080p(
	ctx: IExecuteFunctions,
	config: ApiConfig,
	taskId: string,
	index: number,
	settings: WaitSettings,
	retry: RetryPolicy,
): Promise<{ videoUrl: string; upgradeTaskId: string }> {
	const signal = ctx.getExecutionCancelSignal();
	const created = await kieRequest<{ taskId?: string }>(ctx, config, {
		method: 'POST',
		endpoint: ENDPOINTS.jobsCreateTask,
		body: jobsUpgradeBody('1080p', taskId, index),
		resend: 'paid',
		retry,
		signal,
	});
	const upgradeTaskId = String(created?.taskId ?? '');
	if (!upgradeTaskId)
		throw new UnexpectedAnswerError('kie.ai accepted the 1080p request but returned no taskId');
	const read = async () =>
		normalizeJobsRecord(
			await kieRequest(ctx, config, {
				method: 'GET',
				endpoint: ENDPOINTS.jobsRecordInfo,
				qs: { taskId: upgradeTaskId },
				resend: 'safe',
				retry,
				signal,
			}),
			upgradeTaskId,
		);
	const result = await waitUntilFinal(upgradeTaskId, read, settings, signal);
	if (!result.videoUrls[0]) throw new UnexpectedAnswerError('kie.ai answered without a 1080p URL');
	return { videoUrl: result.videoUrls[0], upgradeTaskId };
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	return await executeReadOperation(this, items, async (read) => {
		const { node, itemIndex, config, signal } = read;
		const taskId = read.taskId();
		const index = requireIndex(node, this.getNodeParameter('videoIndex', itemIndex, 0), itemIndex);
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const settings = waitSettings(
			inRange(
				this,
				options.pollIntervalSeconds ?? 20,
				'Poll Interval (Seconds)',
				RANGES.pollInterval,
				itemIndex,
			),
			inRange(
				this,
				options.maxWaitMinutes ?? 5,
				'Max Wait Time (Minutes)',
				RANGES.maxWait,
				itemIndex,
			),
		);
		const download = this.getNodeParameter('downloadVideo', itemIndex, true) as boolean;
		const field = download ? readOutputField(this, itemIndex) : '';
		const retry = read.retry();
		const deadline = Date.now() + settings.maxWaitMs;
		const delays = pollDelays(settings);
		for (;;) {
			const answer = await settle(
				async () =>
					await kieRequest<{ resultUrl?: string }>(this, config, {
						method: 'GET',
						endpoint: ENDPOINTS.get1080p,
						qs: { taskId, index },
						resend: 'safe',
						retry,
						signal,
					}),
			);
			const error = answer.ok ? undefined : answer.error;
			const viaJobs =
				error !== undefined && isUnknownTask(error)
					? await jobs1080p(
							this,
							config,
							taskId,
							index,
							{ ...settings, maxWaitMs: Math.max(1, deadline - Date.now()) },
							retry,
						)
					: undefined;
			if (answer.ok || viaJobs) {
				const videoUrl = viaJobs?.videoUrl ?? (answer.ok ? answer.value?.resultUrl : undefined);
				if (!videoUrl)
					throw toNodeError(
						node,
						new UnexpectedAnswerError('kie.ai answered without a 1080p URL'),
						itemIndex,
					);
				const json: IDataObject = {
					taskId,
					videoIndex: index,
					videoUrl,
					resolution: '1080p',
					status: 'success',
					estimatedCredits: estimateCredits({ operation: 'get1080p' }),
				};
				if (viaJobs) json.upgradeTaskId = viaJobs.upgradeTaskId;
				const item: INodeExecutionData = { json };
				if (download)
					item.binary = { [field]: await downloadVideo(this, videoUrl, `${taskId}_1080p.mp4`) };
				return item;
			}
			if (!isStillMaking1080p(error)) {
				if (error instanceof KieApiError && error.code === 422)
					throw not1080pUpgradableError(node, error, itemIndex);
				throw error;
			}
			if (!(error instanceof KieApiError)) throw error;
			const remaining = deadline - Date.now();
			if (remaining <= 0)
				throw toNodeError(
					node,
					new WaitTimeoutError(taskId, settings.maxWaitMs / 1000, error.message),
					itemIndex,
				);
			await pause(Math.min(delays.next().value as number, remaining), signal);
		}
	});
}
