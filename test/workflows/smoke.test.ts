import axios from 'axios';

import { startSimulator, type RunningSimulator } from '../../simulator';
import { binaryService, itemsThenVeo3, resumeUrlOf, runWorkflow } from '../harness/engine';
import { CallbackServer } from '../harness/webhooks';

const API_KEY = 'sk-smoke-4f1e';
const HMAC = 'hmac-smoke-77aa';

let sim: RunningSimulator;
let callbacks: CallbackServer;

beforeAll(async () => {
	sim = await startSimulator({ apiKey: API_KEY, hmacKey: HMAC, profile: 'fast' });
	callbacks = new CallbackServer();
	await callbacks.start();
});
afterAll(async () => {
	await callbacks.stop();
	await sim.stop();
});

const creds = () => ({
	apiKey: API_KEY,
	baseUrl: sim.url,
	uploadBaseUrl: sim.uploadUrl,
	webhookHmacSecret: HMAC,
});
const fast = { pollIntervalSeconds: 0.1, maxWaitMinutes: 1 };

it('text to video, wait, download: the MP4 bytes land in binary data', async () => {
	const run = await runWorkflow({
		...itemsThenVeo3([{ prompt: 'a cat surfing' }], {
			resource: 'video',
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			waitMode: 'poll',
			options: fast,
		}),
		credentials: creds(),
	});
	expect(run.run.status).toBe('success');
	const [item] = run.output('Veo3');
	expect(item.json).toMatchObject({
		status: 'success',
		prompt: 'a cat surfing',
		model: 'veo3_fast',
	});
	const binary = item.binary!.data;
	expect(binary.mimeType).toBe('video/mp4');
	const bytes = await binaryService().getAsBuffer(binary);
	expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
	// Exactly the file the simulator served for this task, under a name made from the task ID.
	const served = sim.counters().fileBytesServed;
	expect(binary.fileName).toBe(`${item.json.taskId}.mp4`);
	expect(binary.bytes).toBe(served);
	expect(bytes.length).toBe(served);
	const direct = await axios.get<ArrayBuffer>(String(item.json.videoUrl), {
		responseType: 'arraybuffer',
	});
	expect(bytes.equals(Buffer.from(direct.data))).toBe(true);
});

it('wait for callback: parks, then resumes once with the result', async () => {
	const run = await runWorkflow({
		...itemsThenVeo3([{ prompt: 'a dog' }, { prompt: 'a bird' }], {
			resource: 'video',
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			waitMode: 'callback',
			options: fast,
		}),
		credentials: creds(),
		webhookWaitingBaseUrl: callbacks.waitingBaseUrl,
	});
	expect(run.run.status).toBe('waiting');
	expect(resumeUrlOf(run)).toContain(run.executionId);
	callbacks.park(run);
	const resumed = await callbacks.waitFor(run.executionId).catch((e) => {
		console.log(JSON.stringify(callbacks.log), JSON.stringify(sim.callbacks()).slice(0, 1500));
		throw e;
	});
	expect(resumed.run.status).toBe('success');
	const out = resumed.output('Veo3');
	expect(out.map((i) => i.json.prompt)).toEqual(['a dog', 'a bird']);
	expect(out.every((i) => i.json.status === 'success')).toBe(true);
});
