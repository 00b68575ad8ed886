/**
 * The repository's import graph, read from the source text: every relative `import … from`,
 * `export … from`, `import(…)`, `require(…)` and `jest.mock(…)` of a .ts file, type-only imports
 * included (a type import still ties two files together for the reader). Used by layout.test.ts
 * to keep the layering of docs/architecture.md true.
 */
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');

const SPECIFIER =
	/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|jest\.mock\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\1/g;

/** Repository-relative paths of the .ts files under `dirs`, node_modules and dist left out. */
export function sourceFiles(dirs: string[]): string[] {
	const out: string[] = [];
	const walk = (dir: string) => {
		for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
			const rel = path.posix.join(dir, entry.name);
			if (entry.isDirectory()) {
				if (
					entry.name !== 'node_modules' &&
					entry.name !== 'dist' &&
					!entry.name.startsWith('n8n-v')
				)
					walk(rel);
			} else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
		}
	};
	for (const dir of dirs) if (fs.existsSync(path.join(ROOT, dir))) walk(dir);
	return out.sort();
}

function resolve(from: string, specifier: string): string | undefined {
	const base = path.posix
		.normalize(path.posix.join(path.posix.dirname(from), specifier))
		.replace(/\/+$/, '');
	for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
		const full = path.join(ROOT, candidate);
		if (candidate.endsWith('.ts') && fs.existsSync(full) && fs.statSync(full).isFile())
			return candidate;
	}
	return undefined;
}

/** Strips comments so an import quoted in prose is not taken for one. */
function code(text: string): string {
	return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** file → the repository .ts files it imports. */
export function importGraph(files: string[]): Map<string, string[]> {
	const graph = new Map<string, string[]>();
	for (const file of files) {
		const text = code(fs.readFileSync(path.join(ROOT, file), 'utf8'));
		const targets = new Set<string>();
		for (const match of text.matchAll(SPECIFIER)) {
			const target = resolve(file, match[2]);
			if (target) targets.add(target);
		}
		graph.set(file, [...targets].sort());
	}
	return graph;
}

/** Every import circle, each as the files on it (Tarjan's strongly connected components). */
export function circles(graph: Map<string, string[]>): string[][] {
	let index = 0;
	const indices = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const found: string[][] = [];
	const visit = (node: string) => {
		indices.set(node, index);
		low.set(node, index++);
		stack.push(node);
		onStack.add(node);
		for (const next of graph.get(node) ?? []) {
			if (!indices.has(next)) {
				visit(next);
				low.set(node, Math.min(low.get(node)!, low.get(next)!));
			} else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
		}
		if (low.get(node) === indices.get(node)) {
			const component: string[] = [];
			let member: string;
			do {
				member = stack.pop()!;
				onStack.delete(member);
				component.push(member);
			} while (member !== node);
			if (component.length > 1 || (graph.get(node) ?? []).includes(node))
				found.push(component.sort());
		}
	};
	for (const node of graph.keys()) if (!indices.has(node)) visit(node);
	return found;
}
