import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * n8n-core reads its settings from the environment when its services are first created, so this
 * must run before n8n-core is imported: a private user folder (nothing written to ~/.n8n), a fixed
 * encryption key, and filesystem binary mode, n8n's default for a single instance.
 */
const harnessFolder = mkdtempSync(join(tmpdir(), 'veo3-harness-'));
process.env.N8N_USER_FOLDER ??= harnessFolder;
process.env.N8N_ENCRYPTION_KEY ??= 'veo3-harness-encryption-key';
process.env.N8N_DEFAULT_BINARY_DATA_MODE ??= 'filesystem';
process.env.N8N_BINARY_DATA_STORAGE_PATH ??= join(harnessFolder, 'binaryData');
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';
process.env.N8N_LOG_LEVEL ??= 'silent';
