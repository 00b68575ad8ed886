// >>> Where e2e scenarios start the kie.ai simulator. <<<
//
// The simulator itself belongs to simulator/ (another part of the project); it exports
// `startSimulator` from simulator/index.ts. Scenarios should start it through this wrapper so
// that it is registered with the harness's process hygiene (stopped on exit, Ctrl-C, or when a
// test fails before its afterAll), e.g.:
//
//   const sim = await startSimulatorForE2E({ /* options of simulator/index.ts startSimulator */ });
//   await api.createCredential('veo3Api', 'kie (simulator)', { apiKey: 'test-key', baseUrl: sim.url });
//
// n8n reaches it over 127.0.0.1, so no extra env is needed; the node's credential points at it.
import type { ConfigPatch, RunningSimulator } from '../../../simulator';
import { registerCleanup } from './processes';

export async function startSimulatorForE2E(options: ConfigPatch = {}): Promise<RunningSimulator> {
	// Loaded lazily (type-only import above): the smoke tests must not depend on the simulator.
	const { startSimulator } = await import('../../../simulator');
	const sim = await startSimulator(options);
	const unregister = registerCleanup('kie simulator', async () => await sim.stop());
	// Stopping it by hand must also drop the registration.
	const stop = sim.stop.bind(sim);
	sim.stop = async () => {
		unregister();
		await stop();
	};
	return sim;
}
