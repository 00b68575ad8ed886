export interface LatencyStats {
	samples: number;
	p50: number;
	p95: number;
	p99: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function latencyStats(values: number[]): LatencyStats {
	const s = [...values].sort((a, b) => a - b);
	return {
		samples: s.length,
		p50: percentile(s, 50),
		p95: percentile(s, 95),
		p99: percentile(s, 99),
	};
}
