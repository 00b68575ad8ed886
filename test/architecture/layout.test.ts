/**
 * The layering that docs/architecture.md describes, checked on the source: no import circle
 * anywhere in the repository, imports in nodes/ pointing down the layers only, the trigger and the
 * node meeting only in nodes/kie, small folders that each say what they own.
 */
import * as fs from 'fs';
import * as path from 'path';

import { circles, importGraph, ROOT, sourceFiles } from './importGraph';

/** The layers of nodes/, top first: a file may import its own layer and the layers below it. */
const LAYERS = [
	'nodes/Veo3',
	'nodes/Veo3/actions',
	'nodes/Veo3/tasks',
	'nodes/Veo3/money',
	'nodes/Veo3/inputs',
	'nodes/Veo3/engine',
	'nodes/Veo3Trigger',
	'nodes/kie/callbacks',
	'nodes/kie/records',
	'nodes/kie/transport',
	'nodes/kie/errors',
	'nodes/kie/base',
];

/** The layer a file belongs to: the longest layer folder that holds it. */
function layerOf(file: string): number {
	let best = -1;
	for (const [index, layer] of LAYERS.entries()) {
		if (file.startsWith(`${layer}/`) && (best < 0 || layer.length > LAYERS[best].length))
			best = index;
	}
	return best;
}

const everything = importGraph(
	sourceFiles(['nodes', 'credentials', 'simulator', 'bench', 'scripts', 'test']),
);
const shipped = [...everything.keys()].filter((f) => /^(nodes|credentials)\//.test(f));

test('no import circle anywhere: nodes, credentials, simulator, bench, scripts, tests', () => {
	expect(circles(everything)).toEqual([]);
});

test('every shipped file sits in a declared layer', () => {
	const outside = shipped.filter((f) => f.startsWith('nodes/') && layerOf(f) < 0);
	expect(outside).toEqual([]);
});

test('imports in nodes/ point down the layers only', () => {
	const upward: string[] = [];
	for (const file of shipped.filter((f) => f.startsWith('nodes/'))) {
		for (const target of everything.get(file) ?? []) {
			if (!target.startsWith('nodes/')) upward.push(`${file} → ${target} (outside nodes/)`);
			else if (layerOf(target) < layerOf(file)) upward.push(`${file} → ${target}`);
		}
	}
	expect(upward).toEqual([]);
});

test('the trigger and the node share only nodes/kie: neither imports the other', () => {
	const crossing: string[] = [];
	for (const file of shipped) {
		for (const target of everything.get(file) ?? []) {
			const fromTrigger = file.startsWith('nodes/Veo3Trigger/');
			const toTrigger = target.startsWith('nodes/Veo3Trigger/');
			const toNode = target.startsWith('nodes/Veo3/');
			if ((fromTrigger && toNode) || (!fromTrigger && toTrigger))
				crossing.push(`${file} → ${target}`);
		}
	}
	expect(crossing).toEqual([]);
});

test('the credential imports no node code', () => {
	const credentialImports = shipped
		.filter((f) => f.startsWith('credentials/'))
		.flatMap((f) => everything.get(f) ?? []);
	expect(credentialImports).toEqual([]);
});

/** Folders under nodes/ that hold source files. */
function sourceFolders(): string[] {
	return [...new Set(shipped.filter((f) => f.startsWith('nodes/')).map(path.posix.dirname))]
		.concat(['nodes/kie'])
		.sort();
}

test('no shipped folder holds more than a dozen source files', () => {
	const crowded = sourceFolders()
		.map((dir) => ({
			dir,
			files: fs.readdirSync(path.join(ROOT, dir)).filter((n) => n.endsWith('.ts')).length,
		}))
		.filter(({ files }) => files > 12);
	expect(crowded).toEqual([]);
});

test('each folder of nodes/ opens with a README that says what it owns and may import', () => {
	const unexplained = sourceFolders().filter((dir) => {
		const readme = path.join(ROOT, dir, 'README.md');
		return !fs.existsSync(readme) || !/import/i.test(fs.readFileSync(readme, 'utf8'));
	});
	expect(unexplained).toEqual([]);
});

test('docs/architecture.md names every folder of nodes/, and only folders that exist', () => {
	const doc = fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');
	const missing = sourceFolders().filter((dir) => !doc.includes(`${dir}/`));
	const named = [...doc.matchAll(/`(nodes\/[A-Za-z0-9/]+)\/`/g)].map((m) => m[1]);
	const stale = named.filter((dir) => !fs.existsSync(path.join(ROOT, dir)));
	expect({ missing, stale }).toEqual({ missing: [], stale: [] });
});
