/**
 * Owns every timer and outgoing request the simulator starts, so `reset()` and `stop()` can cancel
 * them all at once and Jest sees no open handles.
 */

/** The error outgoing requests are destroyed with on reset/stop, so callers can tell it from a network failure. */
export class CancelledError extends Error {}

interface Abortable {
	destroy(error?: Error): void;
}

/** setTimeout fires at once for delays above 2^31-1 ms; clamp instead (≈ 24.8 days is "never" here). */
const MAX_DELAY = 2 ** 31 - 1;
const clampDelay = (ms: number): number => Math.min(Math.max(0, ms), MAX_DELAY);

export class Scheduler {
	/** timer → what to do if it is cancelled (sleep() resolves false so its caller can give up). */
	private readonly timers = new Map<NodeJS.Timeout, () => void>();
	private readonly outgoing = new Set<Abortable>();
	private closed = false;

	/** Run `fn` after `ms`; returns a cancel function. */
	after(ms: number, fn: () => void): () => void {
		if (this.closed) return () => undefined;
		const handle = setTimeout(() => {
			this.timers.delete(handle);
			fn();
		}, clampDelay(ms));
		this.timers.set(handle, () => undefined);
		return () => {
			clearTimeout(handle);
			this.timers.delete(handle);
		};
	}

	/** Delay; resolves true when the time elapsed, false when cancelled by reset/stop. */
	sleep(ms: number): Promise<boolean> {
		if (this.closed) return Promise.resolve(false);
		return new Promise((resolve) => {
			const handle = setTimeout(() => {
				this.timers.delete(handle);
				resolve(true);
			}, clampDelay(ms));
			this.timers.set(handle, () => resolve(false));
		});
	}

	/** Register an outgoing request (callback POST, url-upload fetch) so reset/stop can abort it. */
	track<T extends Abortable>(req: T): T {
		if (this.closed) req.destroy(new CancelledError('simulator stopped'));
		else this.outgoing.add(req);
		return req;
	}

	untrack(req: Abortable): void {
		this.outgoing.delete(req);
	}

	/** Cancel everything pending (reset). The scheduler stays usable. */
	cancelAll(): void {
		const cancels = [...this.timers];
		this.timers.clear();
		for (const [handle, onCancel] of cancels) {
			clearTimeout(handle);
			onCancel();
		}
		const reqs = [...this.outgoing];
		this.outgoing.clear();
		for (const req of reqs) req.destroy(new CancelledError('simulator reset'));
	}

	/** Cancel everything and refuse new work (stop). */
	shutdown(): void {
		this.closed = true;
		this.cancelAll();
	}
}
