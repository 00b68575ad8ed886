// The composition suite: the Veo3 node wherever n8n's engine puts it, in real n8n 1.x and 2.x.
// A covering set of cells over workflow shapes x Wait Mode x On Error x Retry On Fail (not the
// full product): every shape with every wait mode that applies, and every error setting and
// retry setting with poll and callback, with failing renders and creates answered 500 after kie
// committed them. Each cell asserts the items on each output and their statuses, pairedItem
// (every input item exactly once), the execution's final state, and at the simulator exactly
// one create per input item. Plus stops (mid-poll, while submitting, while parked): every task
// created is named in the saved execution. One n8n and one simulator per version for the file.
import { selectedVersions } from './lib';
import { useVeo3Instance } from './lib/veo3';
import { buildCell, CELLS, cellLabel, type Cell, type Built } from './fixtures/composition-cells';
import { checkCell, stopCase, type StopCase } from './fixtures/composition-checks';

describe.each(selectedVersions())('Veo3 composition in real n8n %s', (version) => {
	const { n8n, api, veo } = useVeo3Instance(version);
	let seq = 0;

	test.each(CELLS.map((cell) => [cellLabel(cell), cell] as [string, Cell]))(
		'%s',
		async (_label, cell) => {
			if (cell.fault === 'create500AfterCommit')
				veo.sim.configure({
					faults: { http500: { rate: 1, scope: 'creates' }, create500AfterCommit: true },
				});
			const built: Built = await buildCell(api, n8n, veo, cell, `${version}-${++seq}`);
			try {
				const run = await built.start();
				await checkCell({ api, veo, cell, built, run, version });
			} finally {
				await built.cleanup();
			}
		},
		120_000,
	);

	test.each([
		[
			'stop mid-poll: every created task ID is in the saved execution',
			{ waitMode: 'poll', moment: 'polling' },
		],
		[
			'stop while submitting in callback mode: every created task ID is in the saved execution',
			{ waitMode: 'callback', moment: 'submitting' },
		],
		[
			'stop while parked for callbacks: every created task ID is in the saved execution',
			{ waitMode: 'callback', moment: 'parked' },
		],
	] as Array<[string, StopCase]>)(
		'%s',
		async (_label, stop) => {
			await stopCase({ api, n8n, veo, version, seq: ++seq, stop });
		},
		120_000,
	);
});
