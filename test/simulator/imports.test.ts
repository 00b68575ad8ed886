/**
 * The simulator's modules form no import cycle (type-only imports included): shared types live in
 * types.ts, so the modules that create, store and report tasks never import each other in a ring.
 * Also checks the one file-name casing (camelCase) the package uses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const DIR = path.join(__dirname, '../../simulator');

function importGraph(): Map<string, string[]> {
	const graph = new Map<string, string[]>();
	for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts'))) {
		const source = readFileSync(path.join(DIR, file), 'utf8');
		const targets = [...source.matchAll(/from '\.\/([^']+)'/g)].map((m) => `${m[1]}.ts`);
		graph.set(file, targets);
	}
	return graph;
}

function findCycles(graph: Map<string, string[]>): string[] {
	const cycles: string[] = [];
	const done = new Set<string>();
	const stack: string[] = [];
	const visit = (node: string): void => {
		const at = stack.indexOf(node);
		if (at !== -1) {
			cycles.push([...stack.slice(at), node].join(' -> '));
			return;
		}
		if (done.has(node)) return;
		stack.push(node);
		for (const next of graph.get(node) ?? []) visit(next);
		stack.pop();
		done.add(node);
	};
	for (const node of graph.keys()) visit(node);
	return cycles;
}

describe('simulator module structure', () => {
	it('has no import cycles', () => {
		const graph = importGraph();
		expect(graph.size).toBeGreaterThan(20);
		expect(findCycles(graph)).toEqual([]);
	});

	it('finds a planted cycle (the check itself works)', () => {
		const graph = new Map([
			['a.ts', ['b.ts']],
			['b.ts', ['c.ts']],
			['c.ts', ['a.ts']],
		]);
		expect(findCycles(graph)).toEqual(['a.ts -> b.ts -> c.ts -> a.ts']);
	});

	it('names every source file in camelCase, as nodes/ does', () => {
		const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
		expect(files.filter((f) => !/^[a-z][A-Za-z0-9]*\.ts$/.test(f))).toEqual([]);
	});
});
