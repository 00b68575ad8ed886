import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { DEFAULT_TOLERANCE_SECONDS, inspectCallback, respond } from '../Veo3/helpers/callbackRequest';
import { seenBefore } from './dedupe';
import { unregisteredWebhookMethods } from '../Veo3/helpers/webhookLifecycle';

type CallbackEvent = 'success' | 'failure' | 'fourK';

export class Veo3Trigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Veo3 Trigger',
		name: 'veo3Trigger',
		icon: { light: 'file:../../icons/veo3.svg', dark: 'file:../../icons/veo3.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '=On {{ $parameter["events"].join(", ") }}',
		description: 'Generate videos with Google Veo 3.1 through kie.ai; the trigger starts a workflow when a video is ready or failed',
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
					'Copy the Production URL above into the Callback URL option of the Veo3 node (or into callBackUrl of your own kie.ai request), and activate this workflow. Set the webhook HMAC key in the credential to refuse forged callbacks.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{ name: 'Upscaled Video Ready', value: 'fourK', description: 'The 4K version of a video is ready' },
					{ name: 'Video Failed', value: 'failure', description: 'A generation, extension or 4K task failed' },
					{ name: 'Video Ready', value: 'success', description: 'A generated or extended video is ready' },
				],
				default: ['success', 'failure', 'fourK'],
				required: true,
				description: 'Which callbacks start the workflow; others are acknowledged and ignored',
			},
			{
				displayName: 'Separate Outputs for Success and Failure',
				name: 'separateOutputs',
				type: 'boolean',
				default: false,
				description: 'Whether successes (including 4K) go to a first output and failures to a second',
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
						description: 'Whether a callback already received for the same task and outcome starts nothing (kie.ai may deliver twice)',
					},
					{
						displayName: 'Signature Tolerance (Seconds)',
						name: 'signatureToleranceSeconds',
						type: 'number',
						default: DEFAULT_TOLERANCE_SECONDS,
						typeOptions: { minValue: 1 },
						description: 'How far the X-Webhook-Timestamp may be from now before a callback is refused as stale',
					},
				],
			},
		],
	};

	webhookMethods = unregisteredWebhookMethods;

	/**
	 * Runs for each callback. Everything before the answer is cheap (no network), so kie always
	 * gets its reply well within its 15 s timeout.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const tolerance = Number(options.signatureToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
		const inspected = await inspectCallback(this, tolerance);
		if (!inspected.ok) {
			respond(this, inspected.status, { error: inspected.reason });
			return { noWebhookResponse: true };
		}
		const { callback, taskId, body, signed } = inspected;
		const event: CallbackEvent = callback.result.status === 'failed' ? 'failure' : callback.kind === '4k' ? 'fourK' : 'success';
		const events = this.getNodeParameter('events', []) as CallbackEvent[];
		if (!events.includes(event)) {
			respond(this, 200, { received: true, ignored: event });
			return { noWebhookResponse: true };
		}
		const dedupeKey = `${taskId}|${callback.kind}|${callback.result.status}`;
		const checkDuplicates = options.ignoreDuplicates !== false && this.getMode() !== 'manual';
		if (checkDuplicates && seenBefore(`${this.getWorkflow().id}:${this.getNode().id}`, this.getWorkflowStaticData('node'), dedupeKey)) {
			respond(this, 200, { received: true, duplicate: true });
			return { noWebhookResponse: true };
		}
		const query = this.getQueryData() as IDataObject;
		const item: INodeExecutionData = {
			json: {
				...callback.result,
				videoUrl: callback.result.videoUrls[0] ?? null,
				event,
				reference: typeof query.ref === 'string' ? query.ref : null,
				query,
				signatureVerified: signed,
				receivedAt: new Date().toISOString(),
				raw: body,
			},
		};
		const separate = this.getNodeParameter('separateOutputs', false) as boolean;
		if (!separate) return { workflowData: [[item]] };
		return { workflowData: event === 'failure' ? [[], [item]] : [[item], []] };
	}
}
