import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { JOBS_MODEL, modelPath } from '../../../kie/transport/jobs';
import { executeReadOperation, type ReadItem } from '../readOperation';

const properties: INodeProperties[] = [];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['getServiceStatus'] } },
	properties,
);

const HOUR_MS = 60 * 60 * 1000;
/** Below this share of successful videos in the last hour, kie.ai is called degraded. */
const DEGRADED_BELOW = 0.8;

interface Bucket {
	start: number;
	end: number;
	successRate: number | null;
	errorRate: number | null;
	isNormal: boolean | null;
}

function bucketsOf(data: unknown): Bucket[] {
	const list = Array.isArray(data)
		? data
		: ((data as IDataObject | null)?.buckets ?? (data as IDataObject | null)?.list ?? []);
	return (Array.isArray(list) ? list : []).filter(
		(b): b is Bucket => typeof b === 'object' && b !== null && 'successRate' in b,
	);
}

/** kie does not document the unit: a figure above 1 is a percentage. */
const asFraction = (rate: number) => (rate > 1 ? rate / 100 : rate);

/**
 * Veo's success rate at kie.ai over the last hour, from kie's 10-minute buckets of the last 24 h
 * (`/api/v1/models/veo-3-1/success-rate`), so a user can tell "kie is failing now" from "my
 * workflow is broken". Read once per run: the call shares a budget of one per second with kie's
 * other catalog calls.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	let status: Promise<IDataObject> | undefined;
	const check = async (read: ReadItem): Promise<IDataObject> => {
		const data = await read.request<unknown>({
			method: 'GET',
			endpoint: modelPath(JOBS_MODEL.generate, 'success-rate'),
		});
		const since = Date.now() - HOUR_MS;
		const lastHour = bucketsOf(data).filter(
			(b) => Number(b.end) > since && typeof b.successRate === 'number',
		);
		const rates = lastHour.map((b) => asFraction(b.successRate as number));
		const successRate = rates.length
			? Math.round((rates.reduce((a, b) => a + b, 0) / rates.length) * 1000) / 10
			: null;
		const degraded =
			successRate !== null &&
			(successRate < DEGRADED_BELOW * 100 || lastHour.some((b) => b.isNormal === false));
		return {
			model: JOBS_MODEL.generate,
			status: successRate === null ? 'unknown' : degraded ? 'degraded' : 'normal',
			successRatePercent: successRate,
			bucketsWithTraffic: lastHour.length,
			checkedAt: new Date().toISOString(),
			message:
				successRate === null
					? 'kie.ai reported no Veo traffic in the last hour.'
					: degraded
						? `kie.ai's Veo success rate is ${successRate} % in the last hour: failures now are likely on kie.ai's side.`
						: `kie.ai's Veo success rate is ${successRate} % in the last hour: kie.ai is working normally.`,
		};
	};
	return await executeReadOperation(this, items, async (read) => {
		status ??= check(read);
		return { json: { ...(await status) } };
	});
}
