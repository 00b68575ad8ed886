type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs work and reports its outcome as a value. The operations decide what an error means (retry,
 * wait on, or report for the item) in plain code, and only the item boundary (toNodeError) turns
 * errors into n8n's NodeApiError/NodeOperationError.
 */
export async function settle<T>(work: () => Promise<T>): Promise<Settled<T>> {
	try {
		return { ok: true, value: await work() };
	} catch (error) {
		return { ok: false, error };
	}
}
