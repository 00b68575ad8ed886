import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

/**
 * Test-only start node: emits the items given as JSON, optionally with a binary field made from
 * base64 (`binary: { field: { data, mimeType, fileName } }` per item), like a sheet row or a
 * Telegram photo arriving in a real workflow.
 */
export class ItemsSource implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Items Source',
		name: 'itemsSource',
		group: ['trigger'],
		version: 1,
		description: 'Emits fixed items (tests only)',
		defaults: { name: 'Items' },
		inputs: [],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'string', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const specs = JSON.parse(this.getNodeParameter('items', 0) as string) as Array<
			IDataObject & {
				binary?: Record<string, { data: string; mimeType: string; fileName: string }>;
			}
		>;
		const items: INodeExecutionData[] = [];
		for (const spec of specs) {
			const { binary, ...json } = spec;
			const item: INodeExecutionData = { json };
			if (binary) {
				item.binary = {};
				for (const [field, file] of Object.entries(binary)) {
					item.binary[field] = await this.helpers.prepareBinaryData(
						Buffer.from(file.data, 'base64'),
						file.fileName,
						file.mimeType,
					);
				}
			}
			items.push(item);
		}
		return [items];
	}
}
