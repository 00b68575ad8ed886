import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

/**
 * Test-only stand-in for n8n's Loop Over Items (SplitInBatches v3), with its semantics: output 0
 * ("done") gets every processed item once the input is used up, output 1 ("loop") the next batch;
 * what is left and what came back are kept in the node's context, as n8n's node does.
 */
export class LoopOverItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Loop Over Items',
		name: 'loopOverItems',
		group: ['organization'],
		version: 1,
		description: 'Loops over items in batches (tests only)',
		defaults: { name: 'Loop' },
		inputs: ['main'],
		outputs: ['main', 'main'],
		outputNames: ['done', 'loop'],
		properties: [{ displayName: 'Batch Size', name: 'batchSize', type: 'number', default: 1 }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const context = this.getContext('node');
		const batchSize = this.getNodeParameter('batchSize', 0) as number;
		const input = this.getInputData();
		if (context.left === undefined || context.done === true) {
			context.done = false;
			context.processed = [];
			context.left = input.map((item) => ({ json: item.json }));
		} else {
			context.processed = [
				...(context.processed as INodeExecutionData[]),
				...input.map((item) => ({ json: item.json })),
			];
		}
		const left = context.left as INodeExecutionData[];
		if (left.length === 0) {
			context.done = true;
			return [context.processed as INodeExecutionData[], []];
		}
		const batch = left.splice(0, batchSize);
		return [[], batch.map((item, index) => ({ ...item, pairedItem: { item: index } }))];
	}
}
