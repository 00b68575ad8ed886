import * as workflow from 'n8n-workflow';

type AbortableSleep = (ms: number, signal?: AbortSignal) => Promise<void>;

// n8n-workflow 2.x's sleep(ms, signal) aborts; 1.x offered sleepWithAbort(ms, signal) and a plain
// sleep(ms). The node runs on the host's n8n-workflow, so pick whichever this n8n provides.
const hostSleep: AbortableSleep =
	(workflow as unknown as { sleepWithAbort?: AbortableSleep }).sleepWithAbort ??
	(workflow.sleep as AbortableSleep);

/**
 * Thrown when the execution's abort signal fires. n8n's engine recognises a cancellation by a name
 * containing "Cancelled" or a message containing "canceled", so this keeps both and is passed on
 * as is, never turned into an item error.
 */
export class ExecutionCancelledError extends Error {
	constructor() {
		super('The execution was canceled');
		this.name = 'ExecutionCancelledError';
	}
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw new ExecutionCancelledError();
}

/**
 * Waits `ms`, returning early with ExecutionCancelledError when the execution is cancelled. Sleeps
 * in slices of at most one second so cancellation is prompt even where the host's sleep ignores
 * the signal.
 */
export async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
	throwIfCancelled(signal);
	let remaining = Math.max(0, ms);
	while (remaining > 0) {
		const slice = Math.min(remaining, 1000);
		// The host's sleep rejects only when the signal aborts, which the next line reports.
		await hostSleep(slice, signal).catch(() => undefined);
		throwIfCancelled(signal);
		remaining -= slice;
	}
}
