#!/usr/bin/env bash
# Queue-mode e2e: installs redis-server + postgresql when missing, n8n 2.x when missing,
# builds the package when stale (run.sh does the same), then runs queue-cluster.e2e.test.ts, all bounded by
# `timeout 15m` (E2E_QUEUE_TIMEOUT overrides). Logs: test/e2e/artifacts/logs/n8n-v2-queue-e2e-*.log
set -euo pipefail
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$E2E_DIR/../.." && pwd)"
"$E2E_DIR/install-queue.sh"
"$E2E_DIR/install.sh" v2
cd "$REPO_ROOT"
if [[ ! -f dist/nodes/Veo3/Veo3.node.js || -n "$(find nodes credentials package.json -newer dist/nodes/Veo3/Veo3.node.js -print -quit)" ]]; then
  npm run build --silent
fi
export E2E_PIDS_DIR
E2E_PIDS_DIR="$(mktemp -d /tmp/n8n-e2e-pids.XXXXXX)"
cleanup() {
  for f in "$E2E_PIDS_DIR"/*; do [[ -e "$f" ]] && kill -TERM -- "-$(basename "$f")" 2>/dev/null || true; done
  sleep 1
  for f in "$E2E_PIDS_DIR"/*; do [[ -e "$f" ]] && kill -KILL -- "-$(basename "$f")" 2>/dev/null || true; done
  rm -rf "$E2E_PIDS_DIR"
}
trap cleanup EXIT
rc=0
E2E_QUEUE_SUITE=1 E2E_VERSIONS=v2 timeout --kill-after=30s "${E2E_QUEUE_TIMEOUT:-15m}" \
  "$REPO_ROOT/node_modules/.bin/jest" -c "$E2E_DIR/jest.e2e.config.js" queue-cluster.e2e "$@" || rc=$?
[[ $rc == 124 ]] && echo "[queue] jest hit the ${E2E_QUEUE_TIMEOUT:-15m} timeout"
exit $rc
