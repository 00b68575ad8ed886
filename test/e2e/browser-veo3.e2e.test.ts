// Our nodes in the real editor (Debian Chromium + playwright-core), on every selected version:
// sign in, open the node creator after a trigger, search "Veo3", open the entry (n8n shows the Veo3
// node's actions and the Veo3 Trigger's events under one "Veo3" entry), add "Generate a video",
// check the parameters panel (with the reworded hints and the Options list open) and the
// credential; then open a Veo3 Trigger and check its set-up notices. Screenshots go to
// test/e2e/artifacts/screenshots/; on v2 the node-creator, parameters, options and trigger shots
// are also copied to docs/images/ for the README.
import * as fs from 'fs';
import * as path from 'path';

import { launchBrowser, screenshot, signIn, type BrowserSession } from './lib/browser';
import { E2E_OWNER, REPO_ROOT, selectedVersions } from './lib';
import { useVeo3Instance, veo3TriggerNode } from './lib/veo3';

const DOCS_IMAGES = path.join(REPO_ROOT, 'docs', 'images');

/**
 * Every action of the Veo3 node, as the node creator lists them: read from the recorded public
 * surface (the node's own description), so a new operation is checked here without a second list.
 */
const ALL_ACTIONS: string[] = (
	JSON.parse(
		fs.readFileSync(path.join(REPO_ROOT, 'test/release/fixtures/public-surface.json'), 'utf8'),
	).node.properties as Array<{ name: string; options?: Array<{ action?: string }> }>
)
	.filter((p) => p.name === 'operation')
	.flatMap((p) => (p.options ?? []).map((o) => o.action))
	.filter((action): action is string => typeof action === 'string');
/** Tall enough for the node creator to list every action and trigger event without scrolling. */
const TALL = { width: 1440, height: 1500 };
const NORMAL = { width: 1440, height: 1000 };

function copyToDocs(version: string, shot: string | undefined, name: string): void {
	if (version !== 'v2' || !shot) return;
	fs.mkdirSync(DOCS_IMAGES, { recursive: true });
	fs.copyFileSync(shot, path.join(DOCS_IMAGES, name));
}

describe.each(selectedVersions())('Veo3 nodes in the n8n %s editor (Chromium)', (version) => {
	const { n8n, api, veo } = useVeo3Instance(version, { resetEachTest: false });
	let browser: BrowserSession;

	beforeAll(async () => {
		browser = await launchBrowser();
	}, 60_000);

	afterAll(async () => await browser?.close(), 60_000);

	test('search "Veo3", see actions and trigger events, add Generate, parameters and credential render', async () => {
		const { page } = browser;
		const shots: Record<string, string> = {};
		const t0 = Date.now();
		try {
			await signIn(page, n8n.baseUrl, E2E_OWNER.email, E2E_OWNER.password);
			// A workflow that already has a trigger, so the node creator offers "What happens next?".
			const wf = await api.createWorkflow({
				name: 'Veo3 in the editor',
				nodes: [
					{
						id: 'manual-1',
						name: 'When clicking ‘Execute workflow’',
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
				],
				connections: {},
			});
			await page.goto(`${n8n.baseUrl}/workflow/${wf.id}`, { waitUntil: 'domcontentloaded' });
			await page
				.locator('[data-test-id=canvas-node]')
				.first()
				.waitFor({ state: 'visible', timeout: 60_000 });

			await page.setViewportSize(TALL);
			await page.locator('[data-test-id=node-creator-plus-button]').first().click();
			const search = page
				.locator('[data-test-id=node-creator-search-bar] input, input[placeholder*="Search"]')
				.first();
			await search.waitFor({ state: 'visible', timeout: 30_000 });
			await search.fill('Veo3');
			const entry = page
				.locator('[data-test-id=node-creator-node-item], [data-test-id=node-creator-action-item]')
				.filter({
					has: page.locator('[data-test-id=node-creator-item-name]', { hasText: /^Veo3$/ }),
				});
			await entry.first().waitFor({ state: 'visible', timeout: 30_000 });
			shots.search = await screenshot(page, `${version}-veo3-search`);

			// The entry opens the node's actions (Veo3) and the trigger's events (Veo3 Trigger).
			await entry.first().click();
			const itemName = (text: string | RegExp) =>
				page.locator('[data-test-id=node-creator-item-name]').filter({ hasText: text });
			await itemName(/^Generate a video$/)
				.first()
				.waitFor({ state: 'visible', timeout: 30_000 });
			const triggers = page
				.locator('[data-test-id=node-creator-category-item]')
				.filter({ hasText: /Triggers/ });
			if ((await triggers.count()) > 0 && (await itemName(/^On video ready$/i).count()) === 0)
				await triggers.first().click();
			await itemName(/^On video ready$/i)
				.first()
				.waitFor({ state: 'visible', timeout: 15_000 });
			// All ten actions and the trigger events are on screen at once, so the screenshot shows them.
			const onScreen = async (item: ReturnType<typeof itemName>) => {
				const box = await item.first().boundingBox();
				return box !== null && box.y >= 0 && box.y + box.height <= TALL.height;
			};
			for (const action of ALL_ACTIONS) {
				const item = itemName(new RegExp(`^${action}$`));
				expect(await item.count()).toBe(1);
				await expect(onScreen(item)).resolves.toBe(true);
			}
			expect(await itemName(/^On video failed$/i).count()).toBe(1);
			await expect(onScreen(itemName(/^On video failed$/i))).resolves.toBe(true);
			shots.nodeCreator = await screenshot(page, `${version}-veo3-node-creator`);
			await page.setViewportSize(NORMAL);

			// Add "Generate a video": the parameters panel opens with our parameters and the credential.
			await itemName(/^Generate a video$/)
				.first()
				.click();
			const ndv = page.locator('[data-test-id=ndv]');
			await ndv.waitFor({ state: 'visible', timeout: 30_000 });
			for (const parameter of [
				'prompt',
				'mode',
				'model',
				'aspectRatio',
				'waitMode',
				'downloadVideo',
			]) {
				await expect(
					page.locator(`[data-test-id=parameter-input-${parameter}]`).first().isVisible(),
				).resolves.toBe(true);
			}
			await expect(ndv.innerText()).resolves.toMatch(
				/Prompt[\s\S]*Model[\s\S]*Wait Mode[\s\S]*Download Video/,
			);
			await expect(
				page.locator('[data-test-id=parameter-input-waitMode] input').first().inputValue(),
			).resolves.toBe('Wait Until Done (Poll)');
			const credentialInput = page.locator('[data-test-id=node-credentials-select] input').first();
			await expect(credentialInput.inputValue()).resolves.toBe(veo.credential.name);
			// The reworded texts, as the editor shows them: what to pick and what it costs.
			const panel = await ndv.innerText();
			expect(panel).toContain('4 and 6 seconds: Veo 3.1 Fast only, about 60 credits at 720p');
			expect(panel).not.toMatch(/Jobs API|presumably|taskId/);
			await page.waitForTimeout(500); // let the panel finish its open animation for the screenshot
			shots.parameters = await screenshot(page, `${version}-veo3-parameters`);

			// Options open: every option a user can add, with the spending guards among them.
			await page.setViewportSize(TALL);
			await ndv
				.locator('[data-test-id=collection-parameter-add], input[placeholder="Add Option"]')
				.last()
				.click();
			for (const option of ['Max Credits per Execution', 'Deduplicate By', 'Callback URL']) {
				await page
					.getByText(option, { exact: true })
					.last()
					.waitFor({ state: 'visible', timeout: 15_000 });
			}
			await page.waitForTimeout(300);
			shots.options = await screenshot(page, `${version}-veo3-generate-options`);
			await page.keyboard.press('Escape');
			await page.setViewportSize(NORMAL);
			if (!(await ndv.isVisible())) {
				await page
					.locator('[data-test-id=canvas-node]')
					.filter({ hasText: 'Veo3' })
					.first()
					.dblclick();
				await ndv.waitFor({ state: 'visible', timeout: 30_000 });
			}

			// The credential form: our credential type's display name and fields.
			await page.locator('[data-test-id=credential-edit-button]').first().click();
			const modal = page.locator('[data-test-id=credential-edit-dialog]');
			await modal.waitFor({ state: 'visible', timeout: 30_000 });
			await page
				.locator(
					'[data-test-id=credential-edit-dialog] [data-test-id=parameter-input-apiKey], [data-test-id=credential-edit-dialog] input',
				)
				.first()
				.waitFor({ state: 'visible', timeout: 15_000 });
			const modalText = await modal.innerText();
			// The dialog's header (outside its body element) names the credential type.
			await page
				.getByText('Veo3 (kie.ai) API', { exact: true })
				.first()
				.waitFor({ state: 'visible', timeout: 15_000 });
			expect(modalText).toMatch(/API Key/);
			expect(modalText).toMatch(/API Base URL/);
			expect(modalText).toMatch(/Webhook HMAC Key/);
			shots.credential = await screenshot(page, `${version}-veo3-credential`);
		} catch (error) {
			console.log(`[e2e] failure screenshot: ${await screenshot(page, `${version}-veo3-failure`)}`);
			throw error;
		}
		console.log(
			`[e2e] ${version} editor flow ${Date.now() - t0} ms; screenshots:\n  ${Object.values(shots).join('\n  ')}`,
		);
		copyToDocs(version, shots.nodeCreator, 'node-creator.png');
		copyToDocs(version, shots.parameters, 'veo3-parameters.png');
		copyToDocs(version, shots.options, 'veo3-generate-options.png');
	});

	test('the Veo3 Trigger says where kie.ai must reach it, and how to fix a local URL', async () => {
		const { page } = browser;
		let shot: string | undefined;
		try {
			await page.setViewportSize(NORMAL);
			const wf = await api.createWorkflow({
				name: 'Veo3 Trigger in the editor',
				nodes: [veo3TriggerNode(veo.credentials)],
				connections: {},
			});
			await page.goto(`${n8n.baseUrl}/workflow/${wf.id}`, { waitUntil: 'domcontentloaded' });
			const canvasNode = page.locator('[data-test-id=canvas-node]').first();
			await canvasNode.waitFor({ state: 'visible', timeout: 60_000 });
			await canvasNode.dblclick();
			const ndv = page.locator('[data-test-id=ndv]');
			await ndv.waitFor({ state: 'visible', timeout: 30_000 });
			await page
				.getByText(/reach the Production URL above from the internet/)
				.first()
				.waitFor({ state: 'visible', timeout: 15_000 });
			// Show the Production URL the notices talk about (on this test instance it is a local one).
			await ndv.getByText('Webhook URLs', { exact: true }).first().click();
			const production = ndv.getByText('Production URL', { exact: true });
			if ((await production.count()) > 0) await production.first().click();
			await ndv
				.getByText(/\/webhook\/[\w-]+\/?veo3/)
				.first()
				.waitFor({ state: 'visible', timeout: 15_000 });
			const text = await ndv.innerText();
			expect(text).toMatch(
				/set WEBHOOK_URL \(n8n 2\.x: N8N_WEBHOOK_URL\) to a public URL or a tunnel/,
			);
			expect(text).toMatch(
				/Copy the Production URL above into the Veo3 node's Callback URL option/,
			);
			expect(text).toMatch(/Events/);
			await page.waitForTimeout(500);
			shot = await screenshot(page, `${version}-veo3-trigger`);
		} catch (error) {
			console.log(
				`[e2e] failure screenshot: ${await screenshot(page, `${version}-trigger-failure`)}`,
			);
			throw error;
		}
		console.log(`[e2e] ${version} trigger screenshot: ${shot}`);
		copyToDocs(version, shot, 'veo3-trigger.png');
	});
});
