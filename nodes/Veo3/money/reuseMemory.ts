import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/**
 * "Deduplicate By": which task was created for which key, so a row seen again reuses its task
 * instead of paying for a new one.
 *
 * The memory lives in the workflow's static data of this node (`node:<node name>`), which n8n
 * saves with the workflow when a production execution ends (success, error, stop, or parking in a
 * wait) and never for manual test runs. A process-wide copy also lets executions running at the
 * same time in this n8n process see each other's keys before either has ended. Keys are stored
 * hashed: a prompt used as key never ends up in the workflow's data.
 */
export const REUSE_FIELD = 'veo3Reuse';
/** Entries kept per node; the oldest are forgotten first. */
export const MAX_REMEMBERED_TASKS = 5000;

interface RememberedTask extends IDataObject {
	taskId: string;
	/** When the task was created (epoch ms). */
	at: number;
	/** For 4K upgrades: the request that was made (source task and video index). */
	request?: IDataObject;
}

const processMemory = new Map<string, Map<string, RememberedTask>>();

/**
 * Keys whose create an execution of this process is about to send: another execution with the
 * same key waits for it and then finds the task, instead of creating a second one. n8n offers no
 * lock across processes (queue-mode workers), so this holds within one process only.
 */
interface Claim {
	settled: Promise<void>;
	settle: () => void;
}
const claims = new Map<string, Claim>();

export function hashKey(operation: string, key: string): string {
	return createHash('sha256').update(`${operation}\n${key}`).digest('base64url').slice(0, 24);
}

function isRemembered(value: unknown): value is RememberedTask {
	const entry = value as RememberedTask | null;
	return (
		!!entry &&
		typeof entry === 'object' &&
		typeof entry.taskId === 'string' &&
		typeof entry.at === 'number'
	);
}

export class ReuseMemory {
	private readonly shared: Map<string, RememberedTask> | undefined;
	private readonly scope: string | undefined;
	/** The claims this instance holds, by hashed key. */
	private readonly held = new Map<string, Claim>();

	/**
	 * @param staticData the node's workflow static data (n8n's observable object)
	 * @param scope workflow and node ids; undefined for manual runs, which share nothing
	 */
	constructor(
		private readonly staticData: IDataObject,
		scope: string | undefined,
		private readonly windowMs: number,
		private readonly now: () => number = Date.now,
	) {
		this.scope = scope;
		if (scope !== undefined) {
			this.shared = processMemory.get(scope) ?? new Map();
			processMemory.set(scope, this.shared);
		}
	}

	private stored(): Record<string, RememberedTask> {
		const value = this.staticData[REUSE_FIELD];
		return value && typeof value === 'object' ? (value as Record<string, RememberedTask>) : {};
	}

	/** The task remembered for this key, if it was created within the reuse window. */
	find(hashedKey: string): RememberedTask | undefined {
		const candidates = [this.stored()[hashedKey], this.shared?.get(hashedKey)].filter(isRemembered);
		const newest = candidates.sort((a, b) => b.at - a.at)[0];
		return newest && this.now() - newest.at <= this.windowMs ? newest : undefined;
	}

	remember(hashedKey: string, taskId: string, request?: IDataObject): void {
		const entry: RememberedTask = { taskId, at: this.now(), ...(request ? { request } : {}) };
		this.shared?.set(hashedKey, entry);
		this.write({ ...this.stored(), [hashedKey]: entry });
		this.settle(hashedKey);
	}

	/**
	 * Waits until no other execution of this process is creating a task for one of these keys, then
	 * claims, in one step without waiting in between, every key that has no remembered task yet.
	 * Waiting only ever happens while this instance holds no claim, so two executions with the same
	 * keys in any order cannot wait for each other. Manual runs share nothing and claim nothing.
	 */
	async claimUnremembered(hashedKeys: string[]): Promise<void> {
		if (this.scope === undefined) return;
		const names = hashedKeys.map((key) => `${this.scope}\n${key}`);
		for (;;) {
			const others = names.flatMap((name, position) => {
				const claim = claims.get(name);
				return claim && !this.held.has(hashedKeys[position]) ? [claim.settled] : [];
			});
			if (others.length === 0) break;
			await Promise.all(others);
		}
		for (const [position, key] of hashedKeys.entries()) {
			const name = names[position];
			if (this.find(key) || this.held.has(key)) continue;
			let settle = () => {};
			const settled = new Promise<void>((resolve) => (settle = resolve));
			const claim = { settled, settle };
			claims.set(name, claim);
			this.held.set(key, claim);
		}
	}

	/** Ends this instance's claim of a key: its task is remembered, or it will not be created. */
	private settle(hashedKey: string): void {
		const name = `${this.scope}\n${hashedKey}`;
		const claim = this.held.get(hashedKey);
		if (!claim) return;
		this.held.delete(hashedKey);
		if (claims.get(name) === claim) claims.delete(name);
		claim.settle();
	}

	/** Ends every claim still held (the node's run is over: what was not created never will be). */
	releaseClaims(): void {
		for (const key of [...this.held.keys()]) this.settle(key);
	}

	forget(hashedKey: string): void {
		this.shared?.delete(hashedKey);
		this.write(
			Object.fromEntries(Object.entries(this.stored()).filter(([key]) => key !== hashedKey)),
		);
	}

	/**
	 * Writes the whole map back as a new object: n8n notices a change only when a property of its
	 * observable static data is set, not when a plain object inside it is changed.
	 */
	private write(entries: Record<string, RememberedTask>): void {
		const now = this.now();
		const kept = Object.entries(entries)
			.filter(([, entry]) => isRemembered(entry) && now - entry.at <= this.windowMs)
			.sort(([, a], [, b]) => a.at - b.at)
			.slice(-MAX_REMEMBERED_TASKS);
		this.staticData[REUSE_FIELD] = Object.fromEntries(kept);
	}
}

/** Test helper: forget what this process remembers (the static data is the test's own). */
export function forgetProcessMemory(): void {
	processMemory.clear();
	for (const claim of claims.values()) claim.settle();
	claims.clear();
}
