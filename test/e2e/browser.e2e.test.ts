// Browser smoke on every selected version: sign in through the real UI, open a new workflow,
// search the node creator, take screenshots (test/e2e/artifacts/screenshots/). Proves Chromium +
// playwright-core + the editor selectors work here; scenarios search "Veo3" the same way.
import * as path from 'path';

import {
	launchBrowser,
	openNewWorkflow,
	openNodeCreatorAndSearch,
	screenshot,
	signIn,
	type BrowserSession,
} from './lib/browser';
import {
	E2E_OWNER,
	ourPackageDirForTests,
	selectedVersions,
	setupOwner,
	startN8n,
	type N8nHandle,
} from './lib';

const PROBE_DIR = path.join(__dirname, 'fixtures', 'n8n-nodes-e2e-probe');
// null (and a warning) while dist/ isn't built: the Veo3 search is then left out.
const OUR_PACKAGE_DIR = ourPackageDirForTests();

describe.each(selectedVersions())('n8n %s in Chromium', (version) => {
	let n8n: N8nHandle;
	let browser: BrowserSession;

	beforeAll(async () => {
		n8n = await startN8n({ version, packageDir: OUR_PACKAGE_DIR, extraPackageDirs: [PROBE_DIR] });
		await setupOwner(n8n);
		browser = await launchBrowser();
	}, 300_000);

	afterAll(async () => {
		await browser?.close();
		await n8n?.stop();
	}, 60_000);

	test('sign in, open the node creator, search', async () => {
		const { page } = browser;
		const t0 = Date.now();
		try {
			await signIn(page, n8n.baseUrl, E2E_OWNER.email, E2E_OWNER.password);
			await openNewWorkflow(page, n8n.baseUrl);

			const webhook = await openNodeCreatorAndSearch(page, 'Webhook');
			expect(await webhook.count()).toBeGreaterThan(0);
			console.log(`[e2e] screenshot: ${await screenshot(page, `${version}-node-creator-webhook`)}`);

			// The community-package path as a user sees it: the probe fixture in the node creator.
			await page.keyboard.press('Escape');
			const probe = await openNodeCreatorAndSearch(page, 'E2E Probe');
			expect(await probe.count()).toBe(1);
			console.log(`[e2e] screenshot: ${await screenshot(page, `${version}-node-creator-probe`)}`);

			await page.keyboard.press('Escape');
			const veo = await openNodeCreatorAndSearch(page, 'Veo3', /veo/i);
			expect(await veo.count()).toBeGreaterThan(0);
			console.log(`[e2e] screenshot: ${await screenshot(page, `${version}-node-creator-veo3`)}`);
		} catch (error) {
			console.log(`[e2e] failure screenshot: ${await screenshot(page, `${version}-failure`)}`);
			throw error;
		}
		console.log(`[e2e] browser flow on ${version}: ${Date.now() - t0} ms`);
	});
});
