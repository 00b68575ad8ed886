// Real-browser helpers: Debian's Chromium (install-browser.sh) driven by playwright-core, whose
// own browser download is blocked on this machine (docs/n8n-notes.md#browser). Selectors and flow verified on
// n8n 2.41.1; they are the editor's data-test-id hooks, which n8n's own Playwright tests use.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
import type { BrowserContext, Locator, Page } from 'playwright-core';

import { E2E_DIR, SCREENSHOTS_DIR } from './paths';
import { registerCleanup } from './processes';

const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The pinned driver from test/e2e/browser (its own package.json + lockfile), not whatever copy a
 * dev dependency of the repo happens to hoist. Types come from the same version.
 */
function loadPlaywright(): typeof import('playwright-core') {
	const req = createRequire(path.join(E2E_DIR, 'browser', 'package.json'));
	try {
		return req('playwright-core');
	} catch {
		throw new Error('playwright-core is not installed: run test/e2e/install-browser.sh');
	}
}

export interface BrowserSession {
	context: BrowserContext;
	page: Page;
	close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile; closed automatically on exit. */
export async function launchBrowser(): Promise<BrowserSession> {
	if (!fs.existsSync(CHROMIUM_PATH))
		throw new Error(`${CHROMIUM_PATH} missing: run test/e2e/install-browser.sh`);
	const { chromium } = loadPlaywright();
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-chromium-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM_PATH,
		headless: true,
		// Flags from docs/n8n-notes.md#browser: no sandbox (we run as root), no GPU, and nothing that phones home
		// (the machine has no general internet; those calls would only add noise and delays).
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		viewport: { width: 1440, height: 900 },
	});
	const page = context.pages()[0] ?? (await context.newPage());
	let closed = false;
	const close = async () => {
		if (closed) return;
		closed = true;
		unregister();
		await context.close().catch(() => undefined);
		fs.rmSync(userDataDir, { recursive: true, force: true });
	};
	const unregister = registerCleanup('chromium', close);
	return { context, page, close };
}

/** Signs in through the real /signin form and waits until the editor left the sign-in page. */
export async function signIn(
	page: Page,
	baseUrl: string,
	email: string,
	password: string,
): Promise<void> {
	await page.goto(`${baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
	await page.locator('input[type=email]').fill(email);
	await page.locator('input[type=password]').fill(password);
	// 2.41's sign-in button is `<button type="button" data-test-id="form-submit-button">` (the
	// recipes' `button[type=submit]` no longer matches); keep the old selector as a fallback.
	await page.locator('[data-test-id=form-submit-button], button[type=submit]').first().click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
}

/** Opens a new, empty workflow and waits for the canvas. */
export async function openNewWorkflow(page: Page, baseUrl: string): Promise<void> {
	await page.goto(`${baseUrl}/workflow/new`, { waitUntil: 'domcontentloaded' });
	await page
		.locator('[data-test-id=canvas-plus-button]')
		.first()
		.waitFor({ state: 'visible', timeout: 60_000 });
}

/**
 * Opens the node creator (the canvas "+" button) and types into its search box.
 * Returns the result items whose text matches `match`
 * (default: the search text, case-insensitive), after waiting for the first one: the list is
 * filtered with a debounce, so right after typing it still shows the unfiltered defaults.
 * Items are `node-creator-node-item`s, except that a trigger search that resolves to a single
 * trigger action (e.g. "Veo3" -> Veo3 Trigger on an empty canvas) renders a `node-creator-action-item`.
 */
export async function openNodeCreatorAndSearch(
	page: Page,
	text: string,
	match: string | RegExp = new RegExp(escapeRegExp(text), 'i'),
): Promise<Locator> {
	await page.locator('[data-test-id=canvas-plus-button]').first().click();
	const search = page
		.locator('[data-test-id=node-creator-search-bar] input, input[placeholder*="Search"]')
		.first();
	await search.waitFor({ state: 'visible', timeout: 30_000 });
	await search.fill(text);
	const items = page
		.locator('[data-test-id=node-creator-node-item], [data-test-id=node-creator-action-item]')
		.filter({ hasText: match });
	await items.first().waitFor({ state: 'visible', timeout: 30_000 });
	return items;
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Full-page PNG under test/e2e/artifacts/screenshots/<name>.png (git-ignored). Returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
	fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
	const file = path.join(SCREENSHOTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}
