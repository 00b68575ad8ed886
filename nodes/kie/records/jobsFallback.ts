import type { IDataObject } from 'n8n-workflow';

import { ENDPOINTS } from '../transport';
import { isRetiredEndpoint, isUnknownTask } from '../transport/jobs';
import { KieApiError } from '../errors/errors';
import { settle } from '../base/settle';

/**
 * The same request in the Jobs API's form. It is sent when the dedicated endpoint is gone or does
 * not know the task (a Jobs API task): answers that cannot have created anything.
 */
export interface JobsForm {
	body: IDataObject;
	/** Added to the output when the Jobs form is used. */
	echo?: IDataObject;
}

/** The parts of a prepared create that decide where it goes. */
interface Routable {
	endpoint: string;
	body: IDataObject;
	readBack: string;
	echo: IDataObject;
	jobsForm?: JobsForm;
	noJobsForm?: string;
}

/**
 * Sends a paid create to the dedicated API and, when that API answers that the endpoint is gone
 * or that it does not know the task (answers that cannot have created anything), sends its Jobs
 * API form instead. A request without a Jobs form (a tier only the dedicated API has) fails with
 * the reason. When neither API knows the task, the dedicated API's answer is the one reported.
 */
export async function sendWithJobsFallback<T extends Routable, R>(
	task: T,
	send: (task: T) => Promise<R>,
): Promise<R> {
	const first = await settle(async () => await send(task));
	if (first.ok) return first.value;
	const retired = isRetiredEndpoint(first.error);
	if (retired && !task.jobsForm && task.noJobsForm) {
		throw new KieApiError(
			410,
			`kie.ai no longer offers this model the old way. ${task.noJobsForm}`,
			404,
			task.endpoint,
		);
	}
	if (!task.jobsForm || !isUnknownTask(first.error)) throw first.error;
	const notice = retired
		? {
				notice:
					"kie.ai no longer offers the old way to order this video, so it was ordered the new way (kie.ai's Jobs API).",
			}
		: {};
	const moved = {
		...task,
		endpoint: ENDPOINTS.jobsCreateTask,
		body: task.jobsForm.body,
		readBack: 'jobsRecord',
		echo: { ...task.echo, ...task.jobsForm.echo, ...notice },
		jobsForm: undefined,
	} as T;
	const second = await settle(async () => await send(moved));
	if (second.ok) return second.value;
	throw !retired && isUnknownTask(second.error) ? first.error : second.error;
}
