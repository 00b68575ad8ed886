import { cpus, totalmem, type as osType, release } from 'os';

/** The machine a report was measured on, so figures can be compared fairly. */
export function describeMachine(): string {
	const cpu = cpus()[0]?.model ?? 'unknown CPU';
	return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${osType()} ${release()}, Node ${process.version}`;
}
