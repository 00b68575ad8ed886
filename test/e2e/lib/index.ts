// Public surface of the real-n8n e2e harness. Scenarios import from here:
//   import { startN8n, setupOwner, ... } from './lib';
export { N8nApi, FINISHED_STATUSES } from './api';
export type { Execution, ExecutionStatus, WorkflowJson } from './api';
export { CookieSession, HttpError, plainHttp } from './http';
export { startN8n } from './n8n';
export type { CliResult, N8nHandle, QueueOptions } from './n8n';
export { E2E_OWNER, setupOwner } from './owner';
export { linkPackage, ourPackageDirForTests } from './package-link';
export type { LinkMode } from './package-link';
export { E2E_DIR, installDir, REPO_ROOT, SCREENSHOTS_DIR } from './paths';
export type { N8nVersion } from './paths';
export { getFreePorts } from './ports';
export { registerCleanup, stopAll } from './processes';
export { startSimulatorForE2E } from './simulator';
export { selectedVersions } from './versions';
// Veo3 scenarios, examples and the demo: simulator + credential setup, workflow builders, readers.
export * from './veo3';
