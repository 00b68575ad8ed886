// jest globalTeardown of the e2e config: stops the shared n8n instances (shared-n8n.ts).
import { stopSharedInstances } from './shared-n8n';

export default stopSharedInstances;
