/** What users should do about each kie code (docs/kie-api.md#codes). */
const HINTS: Record<number, string> = {
	400: 'kie.ai refused the request or the content (for example the prompt or image was flagged by the content policy). Change the prompt or image and try again.',
	401: 'The API key was not accepted. Check the Veo3 credential: copy the key again from https://kie.ai/api-key.',
	402: 'Your kie.ai account does not have enough credits. Top up at https://kie.ai and run again.',
	404: 'kie.ai does not know this task or resource. Check the task ID.',
	408: "kie.ai's video service took over 10 minutes without a result. Try again later.",
	422: 'kie.ai rejected a parameter or the task is not in a state that allows this. The message says which.',
	429: 'Rate limited by kie.ai (20 new tasks per 10 seconds per account). Try again in a few seconds.',
	433: 'The usage limit set on this API key at kie.ai is used up. Raise it at https://kie.ai/api-key or use another key: trying again will not help until then.',
	451: 'kie.ai could not fetch the image. Make sure the image URL is public.',
	455: 'kie.ai is in maintenance. Try again later.',
	500: 'kie.ai had an internal error. Try again later.',
	501: 'The video generation failed at kie.ai. Try again, perhaps with a different prompt.',
	505: 'This feature is disabled at kie.ai.',
};

export function hintForCode(code: number | null | undefined): string | undefined {
	return code === null || code === undefined ? undefined : HINTS[code];
}

/** Said whenever a paid create may have gone through although no taskId came back. */
export const UNCERTAIN_CREATE_TEXT =
	'The task may or may not have been created, so it was not sent again (no double charge). Check your kie.ai logs or the credits before retrying.';

/** Said when kie does not know a task ID: it never existed, or kie dropped it after 14 days. */
export const UNKNOWN_TASK_TEXT = 'No task with this ID at kie.ai, or it is older than 14 days';
