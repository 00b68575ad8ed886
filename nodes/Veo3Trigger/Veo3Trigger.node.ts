import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import {
	DEFAULT_TOLERANCE_SECONDS,
	MAX_TOLERANCE_SECONDS,
	inspectCallback,
	respond,
} from '../kie/callbacks/callbackRequest';
import type { CallbackKind, NormalizedCallback } from '../kie/records/normalize';
import { confirmWithKie } from './confirm';
import { alreadySeen, seenBefore } from './dedupe';
import { triggerWebhookMethods, UNREACHABLE_NOTICE } from './reachWarning';
import { claimDelivery } from './replay';

type CallbackEvent = 'success' | 'failure' | 'fourK';

export class Veo3Trigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Veo3 Trigger',
		name: 'veo3Trigger',
		icon: { light: 'file:../../icons/veo3.svg', dark: 'file:../../icons/veo3.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '=On {{ $parameter["events"].join(", ") }}',
		description:
			'Generate videos with Google Veo 3.1 through kie.ai; the trigger starts a workflow when a video is ready or failed',
		defaults: { name: 'Veo3 Trigger' },
		inputs: [],
		outputs: `={{ $parameter["separateOutputs"] ? [{ "type": "main", "displayName": "Success" }, { "type": "main", "displayName": "Failure" }] : [{ "type": "main" }] }}`,
		credentials: [{ name: 'veo3Api', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'veo3',
			},
		],
		properties: [
			{
				displayName:
					"Copy the Production URL above into the Veo3 node's Callback URL option, then activate this workflow. Only results kie.ai confirms start the workflow; add the Webhook HMAC Key to the credential to also refuse unsigned calls.",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: UNREACHABLE_NOTICE,
				name: 'reachNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{
						name: 'Upscaled Video Ready',
						value: 'fourK',
						description: 'The 4K version of a video is ready',
					},
					{
						name: 'Video Failed',
						value: 'failure',
						description: 'A generation, extension or 4K task failed',
					},
					{
						name: 'Video Ready',
						value: 'success',
						description: 'A generated or extended video is ready',
					},
				],
				default: ['success', 'failure', 'fourK'],
				required: true,
				description: 'Which results start the workflow; others are ignored',
			},
			{
				displayName: 'Separate Outputs for Success and Failure',
				name: 'separateOutputs',
				type: 'boolean',
				default: false,
				description:
					'Whether successes (including 4K) go to a first output and failures to a second',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Ignore Duplicate Deliveries',
						name: 'ignoreDuplicates',
						type: 'boolean',
						default: true,
						description:
							'Whether a result already received for the same video starts nothing (kie.ai may send it twice)',
					},
					{
						displayName: 'Signature Tolerance (Seconds)',
						name: 'signatureToleranceSeconds',
						type: 'number',
						default: DEFAULT_TOLERANCE_SECONDS,
						typeOptions: { minValue: 1, maxValue: MAX_TOLERANCE_SECONDS, numberPrecision: 0 },
						description: 'How old a signed result from kie.ai may be before it is refused',
					},
				],
			},
		],
	};

	webhookMethods = triggerWebhookMethods;

	/**
	 * Runs for each callback. The request is checked without network first; then kie's own record is
	 * read (a few seconds at most, well within kie's 15 s), and only that record starts a workflow.
	 * Every answer is a small JSON body sent here; n8n sends nothing more.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const answer = (status: number, body: IDataObject): IWebhookResponseData => {
			respond(this, status, body);
			return { noWebhookResponse: true };
		};
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const inspected = await inspectCallback(this, options.signatureToleranceSeconds);
		if (!inspected.ok) return answer(inspected.status, { error: inspected.reason });
		const { callback, taskId, body, signed, delivery, credentials } = inspected;
		const events = this.getNodeParameter('events', []) as CallbackEvent[];
		const claimed = eventOf(callback.kind, callback.result.status);
		// Kinds none of whose events are wanted cost no read at kie. kie's record decides the kind: a
		// body that looks like a generation callback may name a 4K task (one 4K callback example has
		// the generation shape), while a 4K claim on a generation record is refused.
		const possible: CallbackEvent[] =
			callback.kind === '4k' ? ['fourK', 'failure'] : ['success', 'failure', 'fourK'];
		if (!possible.some((e) => events.includes(e)))
			return answer(200, { received: true, ignored: claimed });

		const scope = `${this.getWorkflow().id}:${this.getNode().id}`;
		const staticData = this.getWorkflowStaticData('node');
		// An exact repeat of a signed delivery already answered is a replay, whatever the options say.
		const claim = delivery ? claimDelivery(scope, staticData, { taskId, ...delivery }) : undefined;
		if (claim?.state === 'duplicate') return answer(200, { received: true, duplicate: true });
		if (claim?.state === 'full')
			return answer(503, { error: 'Too many signed callbacks to remember right now; retry later' });
		// Answered 200: its exact repeats are replays from now on; refused or failed: kie may retry it.
		let answered = 500;
		try {
			const outcome = await confirmAndStart.call(this, callback, taskId, body, signed, credentials);
			answered = outcome.status;
			if (outcome.start) {
				respond(this, 200, { received: true });
				return { noWebhookResponse: true, workflowData: outcome.start };
			}
			return answer(outcome.status, outcome.body);
		} finally {
			if (claim?.state === 'new') {
				if (answered === 200) claim.accept();
				else claim.release();
			}
		}
	}
}

/** What webhook() answers kie, and the run it starts, if any. */
interface Outcome {
	status: number;
	body: IDataObject;
	start?: INodeExecutionData[][];
}

async function confirmAndStart(
	this: IWebhookFunctions,
	callback: NormalizedCallback,
	taskId: string,
	body: IDataObject,
	signed: boolean,
	credentials: ICredentialDataDecryptedObject,
): Promise<Outcome> {
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const events = this.getNodeParameter('events', []) as CallbackEvent[];
	const scope = `${this.getWorkflow().id}:${this.getNode().id}`;
	const checkDuplicates = options.ignoreDuplicates !== false && this.getMode() !== 'manual';
	const staticData = this.getWorkflowStaticData('node');
	// A repeat of a delivery that already ran costs no read either; only confirmed keys are stored.
	if (
		checkDuplicates &&
		alreadySeen(scope, staticData, dedupeKey(taskId, callback.kind, callback.result.status))
	) {
		return { status: 200, body: { received: true, duplicate: true } };
	}
	const confirmed = await confirmWithKie(this, credentials, taskId, callback.kind);
	if (!confirmed.ok) {
		if (confirmed.status === 200) {
			this.logger.info(`Veo3 Trigger: callback for task ${taskId} not confirmed by kie.ai`);
			return {
				status: 200,
				body: { received: true, confirmed: false, reason: confirmed.reason },
			};
		}
		return { status: confirmed.status, body: { error: confirmed.reason } };
	}
	const { result, kind, record } = confirmed;
	const event = eventOf(kind, result.status);
	if (!events.includes(event)) return { status: 200, body: { received: true, ignored: event } };
	if (checkDuplicates && seenBefore(scope, staticData, dedupeKey(taskId, kind, result.status))) {
		return { status: 200, body: { received: true, duplicate: true } };
	}
	const query = this.getQueryData() as IDataObject;
	const item: INodeExecutionData = {
		json: {
			...result,
			videoUrl: result.videoUrls[0] ?? null,
			event,
			reference: typeof query.ref === 'string' ? query.ref : null,
			query,
			signatureVerified: signed,
			confirmedByKie: true,
			receivedAt: new Date().toISOString(),
			// kie's own answer to the confirming read; the body that arrived is kept apart, under a
			// name that says so: its signature (if any) covers only the task id and the time.
			raw: record,
			unverifiedCallbackBody: body,
		},
	};
	const separate = this.getNodeParameter('separateOutputs', false) as boolean;
	const start = !separate ? [[item]] : event === 'failure' ? [[], [item]] : [[item], []];
	return { status: 200, body: { received: true }, start };
}

function eventOf(kind: CallbackKind, status: string): CallbackEvent {
	return status === 'failed' ? 'failure' : kind === '4k' ? 'fourK' : 'success';
}

function dedupeKey(taskId: string, kind: CallbackKind, status: string): string {
	return `${taskId}|${kind}|${status}`;
}
