/**
 * Bad parameters are caught before anything is sent: each error names the field as the user sees
 * it and says what is allowed, and the simulator sees no request at all (no credit spent, no upload).
 */
import type { IDataObject } from 'n8n-workflow';

import { FAST_TUNING, FAST_WAIT, PNG_BASE64, runError, useSimulator } from './helpers';

const fx = useSimulator('sk-validation-e62b04');

const generate = (parameters: IDataObject = {}, options: IDataObject = {}): IDataObject => ({
	resource: 'video',
	operation: 'generate',
	prompt: 'a lighthouse at dusk',
	waitMode: 'poll',
	...FAST_TUNING,
	...parameters,
	options: { ...FAST_WAIT, ...options },
});
const withImages = (mode: string, imageUrls: string, extra: IDataObject = {}) =>
	generate({ mode, imageSource: 'url', imageUrls, ...extra });
const fromBinary = (extra: IDataObject = {}) =>
	generate({ mode: 'image', imageSource: 'binary', binaryPropertyNames: 'photo', ...extra });
const video = (operation: string, parameters: IDataObject): IDataObject => ({
	resource: 'video',
	operation,
	...parameters,
});
const TASK = '0123456789abcdef0123456789abcdef';
const URL1 = 'https://img.example.com/1.png';
const photo = (mimeType: string, fileName: string, data = PNG_BASE64) => ({
	photo: { data, mimeType, fileName },
});

interface Case {
	parameters: IDataObject;
	/** The field named in the message, as the user sees it in the editor. */
	field: string;
	/** Part of the message describing the problem. */
	problem: RegExp;
	/** Part of the description saying what is allowed. */
	allowed: RegExp;
	items?: IDataObject[];
}

const cases: Record<string, Case> = {
	// A literal empty required field is refused by n8n itself (see the last test); an expression can still give "".
	'empty prompt from an expression': {
		parameters: generate({ prompt: '={{ $json.p }}' }),
		items: [{ p: '' }],
		field: 'Prompt',
		problem: /empty/,
		allowed: /text of 1 to 5000 characters/,
	},
	'whitespace-only prompt': {
		parameters: generate({ prompt: '  \n\t ' }),
		field: 'Prompt',
		problem: /empty/,
		allowed: /1 to 5000/,
	},
	'prompt over 5000 characters': {
		parameters: generate({ prompt: 'a'.repeat(5001) }),
		field: 'Prompt',
		problem: /5001 characters/,
		allowed: /1 to 5000/,
	},
	'prompt expression giving an object': {
		parameters: generate({ prompt: '={{ $json.scene }}' }),
		items: [{ scene: { text: 'x' } }],
		field: 'Prompt',
		problem: /expected text/,
		allowed: /text of 1 to 5000/,
	},
	'prompt expression giving a number': {
		parameters: generate({ prompt: '={{ $json.n }}' }),
		items: [{ n: 42 }],
		field: 'Prompt',
		problem: /expected text but got 42/,
		allowed: /text/,
	},
	'seed below the range': {
		parameters: generate({}, { seed: 9999 }),
		field: 'Seed',
		problem: /9999/,
		allowed: /whole number from 10000 to 99999/,
	},
	'seed above the range': {
		parameters: generate({}, { seed: 100000 }),
		field: 'Seed',
		problem: /100000/,
		allowed: /10000 to 99999/,
	},
	'seed that is not whole': {
		parameters: generate({}, { seed: 12345.5 }),
		field: 'Seed',
		problem: /12345\.5/,
		allowed: /whole number/,
	},
	'seed from an expression giving text': {
		parameters: generate({}, { seed: '={{ "lucky" }}' }),
		field: 'Seed',
		problem: /"lucky"/,
		allowed: /10000 to 99999/,
	},
	'two images for Image to Video': {
		parameters: withImages('image', `${URL1}, https://img.example.com/2.png`),
		field: 'Image URLs',
		problem: /2 image\(s\)/,
		allowed: /exactly 1 image\(s\) for Image to Video/,
	},
	'one image for First and Last Frames': {
		parameters: withImages('firstAndLast', URL1),
		field: 'Image URLs',
		problem: /1 image\(s\)/,
		allowed: /exactly 2 image\(s\) for First and Last Frames/,
	},
	'no image for Reference to Video': {
		parameters: withImages('reference', ''),
		field: 'Image URLs',
		problem: /0 image\(s\)/,
		allowed: /1 to 3 image\(s\) for Reference to Video/,
	},
	'four images for Reference to Video': {
		parameters: withImages(
			'reference',
			[1, 2, 3, 4].map((n) => `https://img.example.com/${n}.png`).join('\n'),
		),
		field: 'Image URLs',
		problem: /4 image\(s\)/,
		allowed: /1 to 3/,
	},
	'an image "URL" that is not a URL': {
		parameters: withImages('image', 'my-photo.png'),
		field: 'Image URLs',
		problem: /"my-photo.png" is not a URL/,
		allowed: /public http:\/\/ or https:\/\/ URL/,
	},
	'an ftp image URL': {
		parameters: withImages('image', 'ftp://files.example.com/a.png'),
		field: 'Image URLs',
		problem: /not a URL/,
		allowed: /https:\/\//,
	},
	'Reference to Video with the Quality model': {
		parameters: withImages('reference', URL1, { model: 'veo3' }),
		field: 'Model',
		problem: /Veo 3.1 Quality \(veo3\) does not support Reference to Video/,
		allowed: /Veo 3.1 Fast \(veo3_fast\), Veo 3.1 Lite \(veo3_lite\)/,
	},
	'unknown model from an expression': {
		parameters: generate({ model: '={{ "veo4" }}' }),
		field: 'Model',
		problem: /"veo4" is not supported/,
		allowed: /veo3, veo3_fast, veo3_lite/,
	},
	'unknown aspect ratio from an expression': {
		parameters: generate({ aspectRatio: '={{ $json.ratio }}' }),
		items: [{ ratio: '4:3' }],
		field: 'Aspect Ratio',
		problem: /"4:3"/,
		allowed: /16:9, 9:16, Auto/,
	},
	'unknown resolution from an expression': {
		parameters: generate({}, { resolution: '={{ "8k" }}' }),
		field: 'Resolution',
		problem: /"8k"/,
		allowed: /720p, 1080p, 4k/,
	},
	'prompt translation that is not a boolean': {
		parameters: generate({}, { enableTranslation: '={{ "yes" }}' }),
		field: 'Enable Prompt Translation',
		problem: /"yes"/,
		allowed: /true or false/,
	},
	'watermark that is not text': {
		parameters: generate({}, { watermark: '={{ 7 }}' }),
		field: 'Watermark',
		problem: /7 is not text/,
		allowed: /text/,
	},
	'zero max wait time': {
		parameters: generate({}, { maxWaitMinutes: 0 }),
		field: 'Max Wait Time (Minutes)',
		problem: /0 is not allowed/,
		allowed: /a number from 0.001 to 20160 minutes/,
	},
	'negative max wait time': {
		parameters: generate({}, { maxWaitMinutes: -5 }),
		field: 'Max Wait Time (Minutes)',
		problem: /-5/,
		allowed: /from 0.001 to 20160/,
	},
	'max wait of 1e12 minutes (an Invalid Date for n8n)': {
		parameters: generate({}, { maxWaitMinutes: 1e12 }),
		field: 'Max Wait Time (Minutes)',
		problem: /1000000000000 is not allowed/,
		allowed: /to 20160 minutes/,
	},
	'zero poll interval': {
		parameters: generate({}, { pollIntervalSeconds: 0 }),
		field: 'Poll Interval (Seconds)',
		problem: /0 is not allowed/,
		allowed: /a number from 0.05 to 3600 seconds/,
	},
	'negative poll interval': {
		parameters: generate({}, { pollIntervalSeconds: -1 }),
		field: 'Poll Interval (Seconds)',
		problem: /-1/,
		allowed: /from 0.05/,
	},
	'poll interval of 0.001 s from an expression': {
		parameters: generate({}, { pollIntervalSeconds: '={{ 0.001 }}' }),
		field: 'Poll Interval (Seconds)',
		problem: /0.001 is not allowed/,
		allowed: /from 0.05 to 3600 seconds/,
	},
	'poll interval as text': {
		parameters: generate({}, { pollIntervalSeconds: '={{ "15s" }}' }),
		field: 'Poll Interval (Seconds)',
		problem: /"15s" is not allowed/,
		allowed: /from 0.05/,
	},
	'zero creates per window': {
		parameters: generate({}, { rateLimitMax: 0 }),
		field: 'Max Creates per Window',
		problem: /0/,
		allowed: /a whole number from 1 to 1000/,
	},
	'0.5 creates per window from an expression (floored to 0, the node hung)': {
		parameters: generate({}, { rateLimitMax: '={{ 0.5 }}' }),
		field: 'Max Creates per Window',
		problem: /0.5 is not allowed/,
		allowed: /a whole number from 1 to 1000/,
	},
	'signature tolerance as text ("5m", read as NaN before)': {
		parameters: generate({ waitMode: 'callback' }, { signatureToleranceSeconds: '={{ "5m" }}' }),
		field: 'Signature Tolerance (Seconds)',
		problem: /"5m" is not allowed/,
		allowed: /a whole number from 1 to 86400 seconds/,
	},
	'negative read retries': {
		parameters: generate({ readRetries: -1 }),
		field: 'Read Retries',
		problem: /-1/,
		allowed: /a whole number from 0 to 10/,
	},
	'fractional read retries from imported JSON': {
		parameters: generate({ readRetries: 2.5 }),
		field: 'Read Retries',
		problem: /2.5/,
		allowed: /whole number from 0 to 10/,
	},
	'retry delay of 0 ms': {
		parameters: generate({ retryDelayMs: 0 }),
		field: 'Retry Delay (Ms)',
		problem: /0 is not allowed/,
		allowed: /from 1 to 60000 ms/,
	},
	'rate window as text from imported JSON': {
		parameters: generate({ rateLimitWindowSeconds: 'ten' }),
		field: 'Rate Window (Seconds)',
		problem: /"ten"/,
		allowed: /from 0.1 to 3600 seconds/,
	},
	'empty output binary field name': {
		parameters: generate({ binaryPropertyOutput: '' }),
		field: 'Put Output File in Field',
		problem: /empty/,
		allowed: /binary field name such as "data"/,
	},
	'whitespace output binary field name': {
		parameters: generate({ binaryPropertyOutput: '   ' }),
		field: 'Put Output File in Field',
		problem: /empty/,
		allowed: /"data"/,
	},
	'callback URL that is not a URL': {
		parameters: generate({}, { callbackUrl: 'my server' }),
		field: 'Callback URL',
		problem: /"my server" is not a URL/,
		allowed: /http:\/\/ or https:\/\//,
	},
	'javascript: callback URL': {
		parameters: generate({}, { callbackUrl: 'javascript:alert(1)' }),
		field: 'Callback URL',
		problem: /not a URL/,
		allowed: /https:\/\//,
	},
	'missing input binary field': {
		parameters: fromBinary(),
		items: [{ binary: { data: { data: PNG_BASE64, mimeType: 'image/png', fileName: 'a.png' } } }],
		field: 'Input Binary Field',
		problem: /no binary field "photo"/,
		allowed: /one of the item's binary fields: data/,
	},
	'non-image input binary': {
		parameters: fromBinary(),
		items: [{ binary: photo('text/csv', 'rows.csv', Buffer.from('a,b').toString('base64')) }],
		field: 'Input Binary Field',
		problem: /text\/csv, not an image/,
		allowed: /JPEG, PNG or WebP/,
	},
	'too many binary fields for Image to Video': {
		parameters: fromBinary({ binaryPropertyNames: 'photo, photo2' }),
		items: [{ binary: photo('image/png', 'a.png') }],
		field: 'Input Binary Fields',
		problem: /2 image\(s\)/,
		allowed: /exactly 1/,
	},
	'empty task ID from an expression': {
		parameters: video('getDetails', { taskId: '={{ $json.id }}' }),
		items: [{ id: '' }],
		field: 'Task ID',
		problem: /expected a task ID/,
		allowed: /Task ID from Generate or Extend/,
	},
	'missing task ID field in the item': {
		parameters: video('get1080p', { taskId: '={{ $json.taskId }}' }),
		items: [{ id: TASK }],
		field: 'Task ID',
		problem: /got nothing|got null/,
		allowed: /Task ID from Generate/,
	},
	'task ID with spaces': {
		parameters: video('getDetails', { taskId: 'my task 1' }),
		field: 'Task ID',
		problem: /"my task 1" is not a task ID/,
		allowed: /letters, digits/,
	},
	'task ID with path characters': {
		parameters: video('getDetails', { taskId: '../../etc/passwd' }),
		field: 'Task ID',
		problem: /not a task ID/,
		allowed: /letters, digits, "_" and "-"/,
	},
	'task ID from an expression giving an object': {
		parameters: video('getDetails', { taskId: '={{ $json.task }}' }),
		items: [{ task: { id: TASK } }],
		field: 'Task ID',
		problem: /expected a task ID but got \{"id"/,
		allowed: /Task ID from Generate/,
	},
	'negative video index for 1080p': {
		parameters: video('get1080p', { taskId: TASK, videoIndex: -1 }),
		field: 'Video Index',
		problem: /-1 is not a video index/,
		allowed: /whole number from 0/,
	},
	'fractional video index for 4K': {
		parameters: video('get4k', {
			taskId: TASK,
			videoIndex: 0.5,
			options: FAST_WAIT,
			...FAST_TUNING,
		}),
		field: 'Video Index',
		problem: /0.5/,
		allowed: /whole number from 0/,
	},
	'zero 1080p poll interval': {
		parameters: video('get1080p', { taskId: TASK, options: { pollIntervalSeconds: 0 } }),
		field: 'Poll Interval (Seconds)',
		problem: /0 is not allowed/,
		allowed: /from 0.05 to 3600 seconds/,
	},
	'empty Extend prompt': {
		parameters: video('extend', { taskId: TASK, prompt: ' ', options: FAST_WAIT, ...FAST_TUNING }),
		field: 'Prompt',
		problem: /empty/,
		allowed: /1 to 5000/,
	},
	'unknown Extend model from an expression': {
		parameters: video('extend', {
			taskId: TASK,
			prompt: 'more',
			extendModel: '={{ "turbo" }}',
			options: FAST_WAIT,
			...FAST_TUNING,
		}),
		field: 'Model',
		problem: /"turbo"/,
		allowed: /fast, quality, lite/,
	},
	'download URL that is not a URL': {
		parameters: video('download', { source: 'url', videoUrl: 'video.mp4' }),
		field: 'Video URL',
		problem: /"video.mp4" is not a URL/,
		allowed: /https:\/\//,
	},
	'empty download output field': {
		parameters: video('download', { source: 'taskId', taskId: TASK, binaryPropertyOutput: '' }),
		field: 'Put Output File in Field',
		problem: /empty/,
		allowed: /"data"/,
	},
};

it('covers at least 25 kinds of mistake', () => {
	expect(Object.keys(cases).length).toBeGreaterThanOrEqual(25);
});

it.each(Object.entries(cases))(
	'%s: names the field and what is allowed, sends nothing',
	async (_label, c) => {
		const run = await fx.run(c.items ?? [{}], c.parameters);
		const error = runError(run);
		expect(error.message).toContain(`Invalid "${c.field}"`);
		expect(error.message).toMatch(c.problem);
		expect(error.description).toMatch(/^Allowed: /);
		expect(error.description).toMatch(c.allowed);
		expect(fx.sim.requests()).toEqual([]);
		expect(fx.sim.counters().tasksCreated).toBe(0);
	},
);

it('with continue-on-fail, each invalid item gets its own error item and still nothing is sent', async () => {
	const run = await fx.run(
		[{ p: '' }, { p: 'x'.repeat(6000) }],
		generate({ prompt: '={{ $json.p }}' }),
		{ onError: 'continueRegularOutput' },
	);
	const out = run.output('Veo3');
	expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(out.map((item) => item.json.error)).toEqual([
		expect.stringMatching(/"Prompt": it is empty/),
		expect.stringMatching(/"Prompt": it has 6000 characters/),
	]);
	expect(fx.sim.requests()).toEqual([]);
});

it('a literal empty required field is refused by n8n before the node runs (the fields are marked required)', async () => {
	await expect(fx.run([{}], generate({ prompt: '' }))).rejects.toThrow(
		/Parameter "Prompt" is required/,
	);
	await expect(fx.run([{}], video('getDetails', { taskId: '' }))).rejects.toThrow(
		/Parameter "Task ID" is required/,
	);
	expect(fx.sim.requests()).toEqual([]);
});
