// Redis + PostgreSQL for the queue-mode e2e and benchmarks (docs/n8n-notes.md#queue-mode): throw-away instances on
// free loopback ports in a temp dir (initdb as the `postgres` user, user/database `n8n`), stopped by
// stop() and registered with the harness cleanup. The implementation lives in lib/queue-services.ts
// (written for the harness); this module is the entry point queue scenarios import.
// Needs test/e2e/install-queue.sh to have run.
export { startQueueServices } from '../lib/queue-services';
export type { QueueServices } from '../lib/queue-services';
