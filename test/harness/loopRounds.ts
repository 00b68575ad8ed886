import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

/**
 * Test-only stand-in for n8n's Loop Over Items (SplitInBatches v3): the first run keeps the input
 * and emits the first batch on "loop" (output 1); every later run takes the loop body's results
 * back and emits the next batch, until "done" (output 0) gets all results. Like the real node, it
 * keeps its state in the node context, so the Veo3 node in the body runs once per round.
 */
export class LoopRounds implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Loop Rounds',
		name: 'loopRounds',
		group: ['transform'],
		version: 1,
		description: 'Loops over items in batches (tests only)',
		defaults: { name: 'Loop' },
		inputs: ['main'],
		outputs: ['main', 'main'],
		outputNames: ['done', 'loop'],
		properties: [{ displayName: 'Batch Size', name: 'batchSize', type: 'number', default: 1 }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const size = this.getNodeParameter('batchSize', 0) as number;
		const state = this.getContext('node') as IDataObject & { queue?: INodeExecutionData[]; done?: INodeExecutionData[] };
		const input = this.getInputData();
		if (state.queue === undefined) {
			state.queue = input.map((item) => ({ json: item.json }));
			state.done = [];
		} else {
			state.done = [...(state.done ?? []), ...input.map((item) => ({ json: item.json }))];
		}
		const batch = state.queue.splice(0, size);
		if (batch.length === 0) {
			const all = state.done ?? [];
			state.queue = undefined;
			return [all, []];
		}
		return [[], batch];
	}
}
