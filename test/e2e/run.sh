#!/usr/bin/env bash
# Runs the real-n8n e2e suite end to end:
#   1. install n8n (install.sh) and the browser (install-browser.sh) at once (install-all.sh),
#      skipped when up to date;
#   2. build the package when dist/ is missing or older than its sources;
#   3. jest with test/e2e/jest.e2e.config.js, bounded by `timeout`.
# Usage: test/e2e/run.sh [v1|v2|all] [extra jest args, e.g. smoke.e2e]
# Env: E2E_TIMEOUT (default 25m), E2E_NO_BROWSER=1 (skip Chromium and the browser tests),
#      E2E_KEEP_TMP=1 (keep n8n user folders in /tmp). n8n logs land in test/e2e/artifacts/logs/.
set -euo pipefail
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$E2E_DIR/lib/common.sh"

WHICH=all
if [[ $# -gt 0 && "$1" =~ ^(v1|v2|all)$ ]]; then WHICH="$1"; shift; fi
case "$WHICH" in v1) VERSIONS=v1 ;; v2) VERSIONS=v2 ;; *) VERSIONS=v1,v2 ;; esac
RUN_START=$SECONDS

# n8n (npm) and the browser (apt) at the same time; reads E2E_NO_BROWSER itself.
"$E2E_DIR/install-all.sh" "$WHICH"

step "package build"
cd "$REPO_ROOT"
# The first file the package's n8n section lists; dist is stale when any source is newer.
FIRST_DIST_FILE="$(node -p "const n=require('./package.json').n8n||{}; [...(n.nodes||[]),...(n.credentials||[])][0]||''")"
if ! compgen -G "nodes/*" >/dev/null; then
  log "nodes/ has no sources yet: not building; the smoke tests run without n8n-nodes-veo3 linked"
  export E2E_SKIP_PACKAGE=1
elif [[ -n "$FIRST_DIST_FILE" && -f "$FIRST_DIST_FILE" ]] &&
  [[ -z "$(find nodes credentials icons package.json tsconfig.json gulpfile.js -newer "$FIRST_DIST_FILE" -print -quit 2>/dev/null)" ]]; then
  log "dist/ is up to date"
else
  log "dist/ missing or stale: npm run build"
  npm run build --silent || { log "npm run build failed"; exit 1; }
fi
step_done

# Every process group the harness starts is recorded here (lib/processes.ts), so that even if
# jest is killed hard (timeout, Ctrl-C), this trap stops exactly those processes and no others.
export E2E_PIDS_DIR
E2E_PIDS_DIR="$(mktemp -d /tmp/n8n-e2e-pids.XXXXXX)"
cleanup() {
  local pgid
  for f in "$E2E_PIDS_DIR"/*; do
    [[ -e "$f" ]] || continue
    pgid="$(basename "$f")"
    log "cleanup: stopping leftover process group $pgid"
    kill -TERM -- "-$pgid" 2>/dev/null || true
  done
  sleep 1
  for f in "$E2E_PIDS_DIR"/*; do
    [[ -e "$f" ]] && kill -KILL -- "-$(basename "$f")" 2>/dev/null || true
  done
  rm -rf "$E2E_PIDS_DIR"
}
trap cleanup EXIT

step "jest (n8n $VERSIONS, timeout ${E2E_TIMEOUT:-25m})"
# Prune old artifacts, but not everything: another run on the same machine may be writing now.
find "$E2E_DIR/artifacts" -type f -mmin +180 -delete 2>/dev/null || true
JEST_ARGS=(-c "$E2E_DIR/jest.e2e.config.js")  # it reads E2E_NO_BROWSER itself
rc=0
E2E_VERSIONS="$VERSIONS" timeout --kill-after=30s "${E2E_TIMEOUT:-25m}" \
  "$REPO_ROOT/node_modules/.bin/jest" "${JEST_ARGS[@]}" "$@" || rc=$?
[[ $rc == 124 ]] && log "jest hit the ${E2E_TIMEOUT:-25m} timeout"
step_done
log "run.sh finished in $((SECONDS - RUN_START))s (exit $rc); n8n logs: $E2E_DIR/artifacts/logs/"
exit $rc
