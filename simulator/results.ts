/**
 * The result URL lists of a finished task, shared by both APIs' records and callbacks: a video
 * task's own files, or, for the Jobs API's upgrade tasks, the parent's 1080p or 4K files.
 */
import type { Task } from './types';
import { taskFileUrl } from './urls';

/** Result/origin/full URL lists of a successful task; shared by record-info and callbacks. */
export function taskResultUrls(
	base: string,
	task: Task,
): {
	resultUrls: string[];
	originUrls: string[] | null;
	fullResultUrls: string[] | null;
} {
	return {
		resultUrls: [taskFileUrl(base, task.id, 0, 'result')],
		// docs/kie-api.md#record-fields: originUrls "only has value when aspect ratio is not 16:9".
		originUrls: task.aspectRatio === '9:16' ? [taskFileUrl(base, task.id, 0, 'origin')] : null,
		// docs/kie-api.md#record-fields G3: full (stitched) video after extend.
		fullResultUrls: task.kind === 'extend' ? [taskFileUrl(base, task.id, 0, 'full')] : null,
	};
}

export function fourKUrls(
	base: string,
	task: Task,
	index: number,
): { resultUrls: string[]; imageUrls: string[] } {
	return {
		resultUrls: [taskFileUrl(base, task.id, index, '4k')],
		imageUrls: [taskFileUrl(base, task.id, index, '4k', 'jpg')],
	};
}

/** What a finished Jobs task reports in `resultJson`. */
export function jobsResultUrls(
	base: string,
	task: Task,
	parent: Task | undefined,
): Record<string, string[]> {
	if (task.kind === 'hd1080' && parent)
		return { resultUrls: [taskFileUrl(base, parent.id, task.index, '1080p')] };
	if (task.kind === 'fourK' && parent) return fourKUrls(base, parent, task.index);
	const urls = taskResultUrls(base, task);
	const out: Record<string, string[]> = { resultUrls: urls.resultUrls };
	if (urls.originUrls) out.originUrls = urls.originUrls;
	if (urls.fullResultUrls) out.fullResultUrls = urls.fullResultUrls;
	return out;
}
