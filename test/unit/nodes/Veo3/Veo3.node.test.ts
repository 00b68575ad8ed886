/**
 * The node's description: the editor shows what a user needs; tuning knobs are hidden node-level
 * parameters (docs/tuning.md) that workflow JSON can still set.
 */
import type { INodeProperties } from 'n8n-workflow';

import { Veo3 } from '../../../../nodes/Veo3/Veo3.node';

const properties = new Veo3().description.properties;
const TUNING = ['readRetries', 'retryDelayMs', 'rateLimitWindowSeconds'];

function optionsOf(operation: string): string[] {
	const options = properties.find(
		(p) => p.name === 'options' && p.displayOptions?.show?.operation?.includes(operation),
	);
	return ((options?.options ?? []) as INodeProperties[]).map((o) => o.name);
}

it.each(['generate', 'extend', 'get4k'])(
	'%s: Options keep what users need and none of the tuning knobs',
	(operation) => {
		const names = optionsOf(operation);
		expect(names).toEqual(
			expect.arrayContaining([
				'pollIntervalSeconds',
				'maxWaitMinutes',
				'rateLimitMax',
				'callbackUrl',
				'callbackReference',
				'includeRaw',
			]),
		);
		for (const knob of TUNING) expect(names).not.toContain(knob);
	},
);

it('the tuning knobs are hidden node-level parameters, shown for no operation in particular', () => {
	for (const knob of TUNING) {
		const found = properties.filter((p) => p.name === knob);
		expect(found).toHaveLength(1);
		expect(found[0]).toMatchObject({ type: 'hidden' });
		expect(found[0].displayOptions).toBeUndefined();
	}
});
