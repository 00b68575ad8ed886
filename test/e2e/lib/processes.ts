// Process hygiene: every process or resource the harness starts registers a cleanup here, and
// all of them run when the test process ends, however it ends (normal exit, a failed test that
// skipped its afterAll, Ctrl-C, SIGTERM from `timeout`).
//
// Layers, from polite to blunt:
//  - async cleanups (graceful SIGTERM + wait) run from stopAll() / each handle's stop(), and on
//    SIGINT/SIGTERM of a plain node/tsx process;
//  - a synchronous 'exit' hook sends SIGKILL to every process group still registered;
//  - a reaper per process group: a tiny detached shell that kills the group as soon as this
//    process is gone. Needed because under jest the signal and exit hooks are registered on the
//    test sandbox's copy of `process` and never fire (measured: Ctrl-C on jest left n8n running);
//  - run.sh's trap, from the group ids written to $E2E_PIDS_DIR.
// Children are spawned `detached` (own process group), so killing -pgid also takes n8n's task
// runner child with it.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

type Cleanup = () => Promise<void>;

const cleanups = new Map<number, { name: string; fn: Cleanup }>();
const processGroups = new Set<number>();
let nextId = 1;
let hooksInstalled = false;

export function registerCleanup(name: string, fn: Cleanup): () => void {
	installHooks();
	const id = nextId++;
	cleanups.set(id, { name, fn });
	return () => {
		cleanups.delete(id);
	};
}

/**
 * Remember a detached child's process group for the synchronous SIGKILL on exit, and start its
 * reaper. `tempDir` (e.g. the n8n user folder) is deleted by the reaper if it had to kill the
 * group because this process died (unless E2E_KEEP_TMP=1); a normal stop() deletes it itself.
 */
export function trackProcessGroup(pgid: number, tempDir?: string): void {
	installHooks();
	processGroups.add(pgid);
	startReaper(pgid, process.env.E2E_KEEP_TMP === '1' ? undefined : tempDir);
	const dir = process.env.E2E_PIDS_DIR;
	if (dir) {
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, String(pgid)), '');
	}
}

export function untrackProcessGroup(pgid: number): void {
	processGroups.delete(pgid);
	const dir = process.env.E2E_PIDS_DIR;
	if (dir) fs.rmSync(path.join(dir, String(pgid)), { force: true });
}

export function isGroupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

export function killGroup(pgid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pgid, signal);
	} catch {
		// already gone
	}
}

/**
 * Kills process group `pgid` (TERM, then KILL after 10 s) once process.pid has exited, then deletes
 * `tempDir`; exits by itself when the group is gone first. Lives outside the group, so killing the
 * group can't stop it.
 */
function startReaper(pgid: number, tempDir?: string): void {
	const script = [
		`while kill -0 ${process.pid} 2>/dev/null && kill -0 -${pgid} 2>/dev/null; do sleep 1; done`,
		// The group ended first: a normal stop, nothing to do.
		`kill -0 ${process.pid} 2>/dev/null && exit 0`,
		`kill -TERM -${pgid} 2>/dev/null`,
		`for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 -${pgid} 2>/dev/null || break; sleep 1; done`,
		`kill -KILL -${pgid} 2>/dev/null`,
		tempDir ? `rm -rf "$1"` : 'true',
	].join('\n');
	// The directory goes in as "$1", never pasted into the script.
	const reaper = spawn('/bin/sh', ['-c', script, 'reaper', ...(tempDir ? [tempDir] : [])], {
		detached: true,
		stdio: 'ignore',
	});
	reaper.unref();
}

/** Runs every registered cleanup, newest first (browsers before the n8n they point at). */
export async function stopAll(): Promise<void> {
	const entries = [...cleanups.entries()].reverse();
	cleanups.clear();
	for (const [, { name, fn }] of entries) {
		try {
			await fn();
		} catch (error) {
			console.error(`[e2e] cleanup "${name}" failed: ${(error as Error).message}`);
		}
	}
}

function installHooks(): void {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.once('exit', () => {
		for (const pgid of processGroups) killGroup(pgid, 'SIGKILL');
	});
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			console.error(`[e2e] ${signal}: stopping everything the harness started`);
			void stopAll().finally(() => process.exit(130));
		});
	}
}
