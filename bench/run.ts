/* npm run bench: runs every benchmark and writes bench/results/report.md (+ results.json).
 * Real-n8n benchmarks need the e2e install (test/e2e/install.sh); pass --in-process to skip them. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { callbackReads } from './callbackReads';
import { batchThroughput, perItemOverhead, requestsPerVideo } from './inprocess';
import { describeMachine } from './machine';
import { renderReport, type BenchResults } from './report';

/**
 * --callback-only: measures only the Wait for Callback figures (status reads per video in process,
 * and, unless --in-process, latency against n8n's Wait-node floor in real n8n) and updates those
 * entries of the existing results.
 */
async function callbackOnly(args: Set<string>, dir: string): Promise<void> {
	const file = join(dir, 'results.json');
	const results = (
		existsSync(file)
			? JSON.parse(readFileSync(file, 'utf8'))
			: { machine: describeMachine(), date: new Date().toISOString() }
	) as BenchResults;
	console.log('callback mode: status reads per video, callbacks one at a time…');
	results.callbackReads = [
		await callbackReads(40, false),
		await callbackReads(40, true),
		await callbackReads(100, false),
	];
	console.log(JSON.stringify(results.callbackReads));
	if (!args.has('--in-process')) {
		const { callbackLatency } = await import('./realn8n');
		const { latency } = await callbackLatency();
		const { n8nFloor: _replaced, ...earlier } = (results.latency ?? {}) as Record<string, unknown>;
		results.latency = {
			...(earlier as typeof latency & object),
			callback: latency!.callback,
			versusWaitNode: latency!.versusWaitNode,
			callbackMeasuredAt: new Date().toISOString(),
		};
	}
	writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
	writeFileSync(join(dir, 'report.md'), renderReport(results));
	console.log(`report written to ${join(dir, 'report.md')}`);
}

async function main(): Promise<void> {
	const args = new Set(process.argv.slice(2));
	if (args.has('--callback-only')) return await callbackOnly(args, join(__dirname, 'results'));
	const results: BenchResults = { machine: describeMachine(), date: new Date().toISOString() };
	console.log(`machine: ${results.machine}`);

	console.log('requests per finished video (3-minute render, time scaled ×1/30)…');
	results.requests = await requestsPerVideo();
	console.log(JSON.stringify(results.requests));

	console.log("batch throughput (200 prompts, kie's real limit: 20 creates per 10 s)…");
	results.batch = await batchThroughput();
	console.log(JSON.stringify(results.batch));

	console.log('callback mode: status reads per video, callbacks one at a time…');
	results.callbackReads = [
		await callbackReads(40, false),
		await callbackReads(40, true),
		await callbackReads(100, false),
	];
	console.log(JSON.stringify(results.callbackReads));

	console.log('per-item overhead (1000 Get Details, n8n-core vs raw axios)…');
	results.overhead = await perItemOverhead();
	console.log(JSON.stringify(results.overhead));

	if (!args.has('--in-process')) {
		const { realN8nBenchmarks } = await import('./realn8n');
		Object.assign(results, await realN8nBenchmarks());
	}

	const dir = join(__dirname, 'results');
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
	writeFileSync(join(dir, 'report.md'), renderReport(results));
	console.log(`report written to ${join(dir, 'report.md')}`);
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
