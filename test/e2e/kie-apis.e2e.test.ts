// File → Upload, Video → Get Download Link and Account → Get Service Status in a real n8n (one n8n
// per version), plus Duration and the move to the Jobs API when /api/v1/veo/* is gone. Each
// workflow starts at a production webhook and answers with the Veo3 node's output.
// In-process twins: test/workflows/files-status.test.ts and test/workflows/kie-apis.test.ts.
import axios from 'axios';

import { selectedVersions } from './lib';
import { callWebhook, chain, E2E_POLL, useVeo3Instance, veo3Node, webhookNode } from './lib/veo3';

describe.each(selectedVersions())('kie APIs in real n8n %s', (version) => {
	const { n8n, api, veo } = useVeo3Instance(version);

	/** Webhook → the given Veo3 nodes; returns the answer of a call (the last node's items). */
	async function run(
		name: string,
		nodes: Array<Record<string, unknown>>,
		body: unknown = {},
	): Promise<any[]> {
		const path = `${name}-${version}`;
		const wf = await api.createWorkflow(
			chain(path, [
				webhookNode(path),
				...nodes.map((p, i) => veo3Node(p, veo.credentials, {}, `Veo3 ${i + 1}`)),
			]),
		);
		await api.activateWorkflow(wf.id);
		const res = await callWebhook(n8n, path, body);
		expect(res.status).toBe(200);
		return Array.isArray(res.data) ? res.data : [res.data];
	}

	async function finishedTask(): Promise<string> {
		const auth = { headers: { Authorization: `Bearer ${veo.apiKey}` } };
		const created = await axios.post(
			`${veo.sim.url}/api/v1/veo/generate`,
			{ prompt: 'a harbour at dusk', model: 'veo3_fast' },
			auth,
		);
		const taskId = String(created.data.data.taskId);
		await axios.post(`${veo.sim.controlUrl}/tasks/${taskId}/complete`, {});
		return taskId;
	}

	test('File → Upload: a binary field from Download, and a public URL, give kie temporary URLs valid 24 h', async () => {
		const source = `${veo.sim.url}/files/large/4096.mp4`;
		const [fromBinary] = await run('upload-binary', [
			{ resource: 'video', operation: 'download', source: 'url', videoUrl: source },
			{
				resource: 'file',
				operation: 'upload',
				uploadSource: 'binary',
				binaryPropertyName: 'data',
				options: { uploadPath: 'e2e/clips' },
			},
		]);
		expect(fromBinary).toMatchObject({
			fileSize: 4096,
			mimeType: 'video/mp4',
			filePath: expect.stringMatching(/e2e\/clips\//),
		});
		expect(Date.parse(fromBinary.expiresAt) - Date.parse(fromBinary.uploadedAt)).toBe(
			24 * 3600 * 1000,
		);
		expect(
			(await axios.get(fromBinary.fileUrl, { responseType: 'arraybuffer' })).data.byteLength,
		).toBe(4096);

		const [fromUrl] = await run('upload-url', [
			{
				resource: 'file',
				operation: 'upload',
				uploadSource: 'url',
				fileUrl: source,
				options: { fileName: 'copy.mp4' },
			},
		]);
		expect(fromUrl).toMatchObject({ fileName: 'copy.mp4', fileSize: 4096 });
	});

	test("Video → Get Download Link: kie's 20-minute link serves the video", async () => {
		const taskId = await finishedTask();
		const videoUrl = `${veo.sim.url}/files/v/${taskId}_0.mp4`;
		const [item] = await run('download-link', [
			{ resource: 'video', operation: 'getDownloadLink', videoUrl },
		]);
		expect(item).toMatchObject({ videoUrl, downloadUrl: expect.stringContaining('/files/dl/') });
		expect((await axios.get(item.downloadUrl)).status).toBe(200);
	});

	test('Account → Get Service Status: normal, then degraded when kie fails now', async () => {
		await finishedTask();
		const [normal] = await run('status-normal', [
			{ resource: 'account', operation: 'getServiceStatus' },
		]);
		expect(normal).toMatchObject({ model: 'veo-3-1', status: 'normal', successRatePercent: 100 });
		await new Promise((resolve) => setTimeout(resolve, 1100)); // kie: one catalog call per second
		veo.sim.configure({ successRateOverride: 0.25 });
		const [degraded] = await run('status-degraded', [
			{ resource: 'account', operation: 'getServiceStatus' },
		]);
		expect(degraded).toMatchObject({ status: 'degraded', successRatePercent: 25 });
	});

	test('Duration 6 s goes through the Jobs API; with /veo/* retired Fast still generates, with a notice', async () => {
		const generate = {
			resource: 'video',
			operation: 'generate',
			prompt: 'a lantern festival',
			mode: 'text',
			model: 'veo3_fast',
			aspectRatio: '16:9',
			waitMode: 'poll',
			downloadVideo: false,
			options: E2E_POLL,
		};
		const [short] = await run('duration', [{ ...generate, duration: 6 }]);
		expect(short).toMatchObject({ status: 'success', duration: 6 });
		expect(JSON.parse(veo.sim.task(short.taskId).record.param).input.duration).toBe(6);
		veo.sim.configure({ veoRetired: true });
		const [moved] = await run('retired', [generate]);
		expect(moved).toMatchObject({ status: 'success', notice: expect.stringMatching(/Jobs API/) });
	});
});
