// Every workflow in examples/ imported into a real n8n (each selected version) and run against
// the kie.ai simulator. The test copies differ from the files only in what a user would fill in:
// the credential id, this instance's URL instead of http://localhost:5678, a temp folder instead of
// /home/node/.n8n-files, a local image URL, a 0.2 s poll interval (the examples keep the 15 s
// default), and the Google Drive / Slack nodes set `disabled: true` (no accounts here; n8n passes
// items through disabled nodes, so the rest of the chain still runs).
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';

import { selectedVersions } from './lib';
import { createFakeOpenAiCredential, toolNameOf } from './lib/agent';
import { startFakeLlm, type FakeLlm } from './lib/fake-llm';
import {
	callWebhook,
	EXAMPLE_N8N_ORIGIN,
	EXAMPLE_OUTPUT_DIR,
	EXAMPLE_THIRD_PARTY_TYPES,
	EXAMPLE_TRIGGER_PATH,
	fetchBinary,
	listExamples,
	nodeOutput,
	prepareExample,
	readExample,
	useVeo3Instance,
} from './lib/veo3';

/** A 1×1 PNG, served as the "image from the web" of image-to-video.json. */
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
);

test('examples/ holds the seven documented workflows, with community-prefixed node types', () => {
	expect(listExamples()).toEqual([
		'ai-agent-video.json',
		'callback-generate.json',
		'callback-trigger.json',
		'image-to-video.json',
		'prompts-to-drive-and-slack.json',
		'scenes-to-drive.json',
		'text-to-video-to-disk.json',
	]);
	for (const file of listExamples()) {
		const wf = readExample(file);
		const veo = wf.nodes.filter((n) => String(n.type).startsWith('n8n-nodes-veo3.'));
		expect(veo.length).toBeGreaterThan(0);
		for (const node of veo)
			expect(node.credentials?.veo3Api).toEqual({ id: '', name: 'Veo3 (kie.ai) account' });
		// Every connection (main, and an agent's ai_languageModel / ai_tool) points at an existing node.
		const names = new Set(wf.nodes.map((n) => n.name));
		for (const [from, byType] of Object.entries(wf.connections)) {
			expect(names.has(from)).toBe(true);
			for (const outputs of Object.values(byType as Record<string, any[][]>))
				for (const output of outputs)
					for (const c of output ?? []) expect(names.has(c.node)).toBe(true);
		}
	}
	const drive = readExample('prompts-to-drive-and-slack.json');
	expect(drive.nodes.map((n) => n.type)).toEqual(expect.arrayContaining(EXAMPLE_THIRD_PARTY_TYPES));
	expect(drive.connections['Generate Videos'].main[0][0].node).toBe('Upload to Google Drive');
	expect(drive.connections['Upload to Google Drive'].main[0][0].node).toBe('Post to Slack');
});

describe.each(selectedVersions())('examples/ in real n8n %s', (version) => {
	let outDir: string;
	let imageServer: http.Server;
	let imageUrl: string;
	let llm: FakeLlm;

	const load = (file: string) =>
		prepareExample(readExample(file), veo.credential, {
			disableTypes: EXAMPLE_THIRD_PARTY_TYPES,
			pollIntervalSeconds: 0.2,
			replace: [
				[EXAMPLE_N8N_ORIGIN, n8n.baseUrl],
				[EXAMPLE_OUTPUT_DIR, outDir],
				['https://images.unsplash.com/photo-1500530855697-b586d89ba3ee?w=1280&fm=jpg', imageUrl],
			],
		});

	beforeAll(async () => {
		outDir = fs.mkdtempSync(path.join(os.tmpdir(), `veo3-examples-${version}-`));
		imageServer = http.createServer((_req, res) =>
			res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG),
		);
		await new Promise<void>((r) => imageServer.listen(0, '127.0.0.1', r));
		imageUrl = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}/photo.png`;
		llm = await startFakeLlm();
	});
	const { n8n, api, veo } = useVeo3Instance(version, {
		env: () => ({
			N8N_RESTRICT_FILE_ACCESS_TO: outDir,
			N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true',
		}),
		resetEachTest: false,
	});

	afterAll(async () => {
		await llm?.stop();
		await new Promise((r) => imageServer?.close(r));
		if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
	}, 60_000);

	test('text-to-video-to-disk: the MP4 is written to the folder', async () => {
		const wf = await api.createWorkflow(load('text-to-video-to-disk.json'));
		const result = await api.runManual(wf.id);
		const [video] = nodeOutput(result, 'Generate Video');
		expect(video.json).toMatchObject({ status: 'success', model: 'veo3_fast' });
		const file = path.join(outDir, `veo3-${video.json.taskId}.mp4`);
		expect(nodeOutput(result, 'Save MP4 to Disk')[0].json.fileName).toBe(file);
		expect(fs.readFileSync(file).equals(await fetchBinary(String(video.json.videoUrl)))).toBe(true);
	});

	test('prompts-to-drive-and-slack (Drive and Slack disabled): three videos, passed on through the chain', async () => {
		const wf = await api.createWorkflow(load('prompts-to-drive-and-slack.json'));
		const result = await api.runManual(wf.id);
		const videos = nodeOutput(result, 'Generate Videos');
		expect(videos).toHaveLength(3);
		expect(
			videos.every((v) => v.json.status === 'success' && v.binary?.data?.mimeType === 'video/mp4'),
		).toBe(true);
		expect(nodeOutput(result, 'Post to Slack')).toHaveLength(3);
		expect(
			veo.sim.tasks().filter((t: any) => t.aspectRatio === '9:16').length,
		).toBeGreaterThanOrEqual(3);
	});

	test('image-to-video: the fetched image is uploaded and animated', async () => {
		veo.sim.reset();
		const wf = await api.createWorkflow(load('image-to-video.json'));
		const result = await api.runManual(wf.id);
		const [video] = nodeOutput(result, 'Animate Image');
		expect(video.json).toMatchObject({ status: 'success', mode: 'image' });
		expect(video.json.imageUrls).toHaveLength(1);
		expect(String(video.json.imageUrls[0]).startsWith(veo.sim.url)).toBe(true);
		expect(video.binary?.video?.mimeType).toBe('video/mp4');
		expect(
			veo.sim.requests().some((r: any) => r.endpoint === 'POST /upload/api/file-stream-upload'),
		).toBe(true);
	});

	test('callback-generate + callback-trigger: the trigger downloads the video the generate started', async () => {
		veo.sim.reset();
		const receiver = await api.createWorkflow(load('callback-trigger.json'));
		await api.activateWorkflow(receiver.id, { webhookPaths: [EXAMPLE_TRIGGER_PATH] });
		const sender = await api.createWorkflow(load('callback-generate.json'));
		const result = await api.runManual(sender.id);
		const [started] = nodeOutput(result, 'Start Video');
		expect(started.json).toMatchObject({ status: 'generating', reference: 'spring-launch' });
		const received = await api.waitForExecution((e) => e.status === 'success', 30_000, {
			workflowId: receiver.id,
		});
		expect(nodeOutput(received, 'Veo3 Trigger')[0].json).toMatchObject({
			taskId: started.json.taskId,
			signatureVerified: true,
			reference: 'spring-launch',
		});
		const [download] = nodeOutput(received, 'Download Video');
		expect(download.binary?.data?.mimeType).toBe('video/mp4');
	});

	test('ai-agent-video: a chat message makes a video through the AI Agent and the Veo3 Tool', async () => {
		veo.sim.reset();
		const openAi = await createFakeOpenAiCredential(api, llm);
		const example = load('ai-agent-video.json');
		for (const node of example.nodes) {
			if (node.credentials?.openAiApi) node.credentials.openAiApi = openAi.credential;
			// The chat must be public to be reached over HTTP; in the editor its chat panel works as is.
			if (node.type === '@n8n/n8n-nodes-langchain.chatTrigger')
				node.parameters = { ...node.parameters, public: true };
			if (node.name === 'Make Video') node.parameters.options = { pollIntervalSeconds: 0.2 };
		}
		const trigger = example.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger')!;
		const chatPath = `${trigger.webhookId}/chat`;
		llm.setScript(({ tools, toolAnswers }) => {
			if (toolAnswers.length === 0)
				return {
					toolCalls: [
						{
							name: toolNameOf(tools, 'Make Video'),
							args: { prompt: 'A red fox in the snow', aspectRatio: '9:16' },
						},
					],
				};
			return { answer: `Your video: ${toolAnswers[0].parsed?.[0]?.videoUrl}` };
		});
		const wf = await api.createWorkflow(example);
		await api.activateWorkflow(wf.id, { webhookPaths: [chatPath] });
		const reply = await callWebhook(n8n, chatPath, {
			action: 'sendMessage',
			sessionId: 'example-session',
			chatInput: 'Make a portrait video of a red fox in the snow',
		});
		await api.deactivateWorkflow(wf.id);
		expect(reply.status).toBe(200);
		const [task] = veo.sim.tasks();
		expect(veo.sim.tasks()).toHaveLength(1);
		expect(task).toMatchObject({ aspectRatio: '9:16', model: 'veo3_fast' });
		expect(String(reply.data.output)).toMatch(new RegExp(`^Your video: http.*`));
		expect(String(reply.data.output)).not.toContain('undefined');
	});
});
