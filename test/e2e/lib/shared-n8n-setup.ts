// jest globalSetup of the e2e config: the shared n8n instances (shared-n8n.ts).
import { startSharedInstances } from './shared-n8n';

export default startSharedInstances;
