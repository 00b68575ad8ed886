import axios from 'axios';
import { setupOwner, startN8n } from '../test/e2e/lib';
import { webhookWaitSetWorkflow } from '../test/e2e/fixtures/workflows';
const http = axios.create({ proxy: false, validateStatus: () => true });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const n8n = await startN8n({ version: 'v2' });
  const api = await setupOwner(n8n);
  const wf = await api.createWorkflow(webhookWaitSetWorkflow('w'));
  await api.activateWorkflow(wf.id);
  for (let i = 0; i < 8; i++) {
    const first = await http.post(n8n.webhookUrl('w'), { name: 'x' });
    const { resumeUrl, executionId } = typeof first.data === 'string' ? JSON.parse(first.data) : first.data;
    await api.waitForExecutionStatus(executionId, ['waiting'], 30000);
    await sleep(500);
    const t0 = Date.now();
    const r = await http.post(resumeUrl, { answer: '1' });
    const tResp = Date.now() - t0;
    const done = await api.waitForExecutionDone(executionId, 30000);
    const setStart = done.data.resultData.runData.Set[0].startTime;
    console.log('resume→Set start', setStart - t0, 'ms; response', tResp, 'ms', r.status);
  }
  await n8n.stop(); process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
