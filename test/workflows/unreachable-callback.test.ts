/**
 * A callback kie.ai could never deliver (n8n's URLs on localhost, a private Callback URL) is refused
 * before anything is sent: no upload, no look-up, no create, no credit. The credential points at
 * kie.ai itself, so every socket the process opens is watched: a refused item must open none, and
 * a socket that would open is stopped before it connects, so no test ever reaches the internet.
 */
import net from 'net';
import type { IDataObject } from 'n8n-workflow';

import {
	ITEMS_TYPE,
	node,
	runWorkflow,
	VEO3_TYPE,
	type HarnessCredentials,
} from '../harness/engine';
import { FAST_TUNING, runError, useSimulator, veo3Output } from './helpers';

const KIE: HarnessCredentials = {
	apiKey: 'sk-unreachable-4e1b',
	baseUrl: 'https://api.kie.ai',
	uploadBaseUrl: 'https://kieai.redpandaai.co',
};

/** Every connection attempt made while a test runs; each is refused before it reaches the network. */
const attempts: string[] = [];
let tripwire: jest.SpyInstance | undefined;

function watchSockets(): void {
	attempts.length = 0;
	tripwire = jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (
		this: net.Socket,
		...args: unknown[]
	) {
		const [target] = args as [{ host?: string; port?: number } | number];
		attempts.push(typeof target === 'object' ? `${target.host}:${target.port}` : String(target));
		const refused = Object.assign(new Error('connect ECONNREFUSED (test tripwire)'), {
			code: 'ECONNREFUSED',
		});
		process.nextTick(() => this.destroy(refused));
		return this;
	});
}

afterEach(() => tripwire?.mockRestore());

async function run(items: IDataObject[], veo3: IDataObject, onError?: 'continueRegularOutput') {
	return await runWorkflow({
		nodes: [
			node('Items', ITEMS_TYPE, { items: JSON.stringify(items) }),
			node('Veo3', VEO3_TYPE, veo3, onError ? { onError } : {}),
		],
		connections: { Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] } },
		credentials: KIE,
		// What n8n hands out when WEBHOOK_URL is not set (the harness serves nothing there).
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
	});
}

const generate = (extra: IDataObject = {}): IDataObject => ({
	resource: 'video',
	operation: 'generate',
	prompt: '={{ $json.prompt }}',
	...FAST_TUNING,
	...extra,
});

describe('Wait for Callback on an n8n kie.ai cannot reach', () => {
	it.each([
		['generate', generate({ waitMode: 'callback' })],
		[
			'extend',
			{
				resource: 'video',
				operation: 'extend',
				taskId: 'ee9c2715375b7837f8bb51d641ff5863',
				prompt: 'and then it rains',
				waitMode: 'callback',
			},
		],
		[
			'get4k',
			{
				resource: 'video',
				operation: 'get4k',
				taskId: 'ee9c2715375b7837f8bb51d641ff5863',
				waitMode: 'callback',
			},
		],
	])('%s fails before any request, naming the fix', async (_operation, parameters) => {
		watchSockets();
		const result = await run([{ prompt: 'a cat on a piano' }], parameters);
		const error = runError(result);
		expect(error.message).toBe(
			'Invalid "Wait Mode": "Wait for Callback" cannot work here, kie.ai cannot reach this n8n at http://localhost:5678',
		);
		expect(error.description).toMatch(/set WEBHOOK_URL \(n8n 2\.x: N8N_WEBHOOK_URL\)/);
		expect(error.description).toMatch(/public URL or a tunnel/);
		expect(error.description).toMatch(/"Wait Until Done \(Poll\)"/);
		expect(JSON.stringify(error)).not.toContain(KIE.apiKey);
		expect(result.run.status).toBe('error');
		expect(attempts).toEqual([]);
	});

	it('with Continue On Fail: one error item per input item, nothing parks, nothing is sent', async () => {
		watchSockets();
		const result = await run(
			[{ prompt: 'a calm lake' }, { prompt: 'a fox in snow' }, { prompt: 'a red kite' }],
			generate({ waitMode: 'callback' }),
			'continueRegularOutput',
		);
		const out = veo3Output(result);
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const item of out) {
			expect(String(item.json.error)).toMatch(/"Wait for Callback" cannot work here/);
			expect(item.json.taskId).toBeUndefined();
		}
		expect(attempts).toEqual([]);
	});
});

describe('a Callback URL kie.ai cannot reach', () => {
	it('is refused for its own item only; the public one goes on to kie.ai', async () => {
		watchSockets();
		const result = await run(
			[
				{ prompt: 'a calm lake', cb: 'http://192.168.1.20:5678/webhook/veo3' },
				{ prompt: 'a fox in snow', cb: 'https://n8n.example.com/webhook/veo3' },
			],
			generate({ waitMode: 'none', options: { callbackUrl: '={{ $json.cb }}' } }),
			'continueRegularOutput',
		);
		const [lake, fox] = veo3Output(result);
		expect(lake.json.error).toBe(
			'Invalid "Callback URL": kie.ai cannot reach http://192.168.1.20:5678 from the internet',
		);
		expect(String(lake.json.description)).toMatch(/WEBHOOK_URL/);
		// The second item passed the check and tried kie.ai (stopped by the tripwire).
		expect(String(fox.json.error)).not.toMatch(/Callback URL|WEBHOOK_URL/);
		expect(attempts.length).toBeGreaterThan(0);
		expect(attempts.every((a) => a.startsWith('api.kie.ai:'))).toBe(true);
	});

	it('without Continue On Fail stops the node before the valid items are sent', async () => {
		watchSockets();
		const result = await run(
			[
				{ prompt: 'a fox in snow', cb: 'https://n8n.example.com/webhook/veo3' },
				{ prompt: 'a calm lake', cb: 'http://n8n:5678/webhook/veo3' },
			],
			generate({ waitMode: 'poll', options: { callbackUrl: '={{ $json.cb }}' } }),
		);
		expect(runError(result).message).toBe(
			'Invalid "Callback URL": kie.ai cannot reach http://n8n:5678 from the internet',
		);
		expect(attempts).toEqual([]);
	});
});

describe('a local kie.ai (the simulator on loopback) keeps local callbacks working', () => {
	const fx = useSimulator('sk-unreachable-sim-8a21', { renderMs: 60_000 });

	it('Wait for Callback with a localhost resume URL parks as before', async () => {
		const result = await runWorkflow({
			nodes: [
				node('Items', ITEMS_TYPE, { items: JSON.stringify([{ prompt: 'a cat on a piano' }]) }),
				node('Veo3', VEO3_TYPE, generate({ waitMode: 'callback' })),
			],
			connections: { Items: { main: [[{ node: 'Veo3', type: 'main', index: 0 }]] } },
			credentials: fx.creds(),
			webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		});
		expect(result.run.status).toBe('waiting');
		const [task] = fx.sim.tasks();
		expect(task.callBackUrl).toMatch(/^http:\/\/localhost:5678\/webhook-waiting\//);
	});
});
