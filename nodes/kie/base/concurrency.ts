/**
 * Runs `worker` over `inputs` with at most `limit` in flight and keeps results in input order.
 * Each result is settled separately, so one item's failure never hides another item's outcome.
 */
export async function mapSettled<T, R>(
	inputs: readonly T[],
	limit: number,
	worker: (input: T, index: number) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
	const results: Array<PromiseSettledResult<R>> = new Array(inputs.length);
	let next = 0;
	const lanes = Array.from({ length: Math.min(Math.max(1, limit), inputs.length) }, async () => {
		while (next < inputs.length) {
			const index = next++;
			try {
				results[index] = { status: 'fulfilled', value: await worker(inputs[index], index) };
			} catch (reason) {
				results[index] = { status: 'rejected', reason };
			}
		}
	});
	await Promise.all(lanes);
	return results;
}

/** Caps how many requests run at once while any number of tasks wait in parallel. */
export class Semaphore {
	private active = 0;
	private readonly queue: Array<() => void> = [];

	constructor(private readonly limit: number) {}

	async run<T>(work: () => Promise<T>): Promise<T> {
		if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
		this.active++;
		try {
			return await work();
		} finally {
			this.active--;
			this.queue.shift()?.();
		}
	}
}
