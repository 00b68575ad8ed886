/**
 * Where the simulator's files live. Real results sit on tempfile.aiquickdraw.com/v/… (docs/kie-api.md#conventions); here
 * they sit under `<publicUrl>/files/v/<taskId>_<index>[_variant].<ext>`, parsed back by files.ts.
 */

export type Variant = 'result' | 'origin' | 'full' | '1080p' | '4k';
type FileExt = 'mp4' | 'jpg';

const FILES_PREFIX = '/files';
export const TASK_FILE_RE =
	/^\/files\/v\/([0-9a-f]{32})_(\d+)(?:_(origin|full|1080p|4k))?\.(mp4|jpg)$/;
export const LARGE_FILE_RE = /^\/files\/large\/(\d+)\.mp4$/;
export const DOWNLOAD_RE = /^\/files\/dl\/([0-9a-f]+)(?:\/[^/]*)?$/;
export const UPLOAD_FILE_PREFIX = '/files/kieai/';

function taskFilePath(
	taskId: string,
	index: number,
	variant: Variant,
	ext: FileExt = 'mp4',
): string {
	const suffix = variant === 'result' ? '' : `_${variant}`;
	return `${FILES_PREFIX}/v/${taskId}_${index}${suffix}.${ext}`;
}

export function taskFileUrl(
	base: string,
	taskId: string,
	index: number,
	variant: Variant,
	ext: FileExt = 'mp4',
): string {
	return base + taskFilePath(taskId, index, variant, ext);
}
