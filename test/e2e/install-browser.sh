#!/usr/bin/env bash
# Installs what the browser e2e tests need:
#   - Debian's Chromium at /usr/bin/chromium (docs/n8n-notes.md#browser: Playwright's own browser download is
#     blocked on this machine, only Debian packages and the npm registry are reachable);
#   - playwright-core (driver only, pinned in test/e2e/browser/package.json + lockfile).
# Idempotent: does nothing when both are already there.
set -euo pipefail
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$E2E_DIR/lib/common.sh"

step "chromium"
if [[ -x /usr/bin/chromium ]]; then
  log "already installed: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
else
  SUDO=""
  [[ "$(id -u)" != 0 ]] && SUDO="sudo"
  log "apt-get update (quiet) ..."
  $SUDO apt-get update -qq
  log "apt-get install -y chromium (about 25 s, ~480 MB) ..."
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  log "installed: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
fi
step_done

step "playwright-core"
install_npm_dir "$E2E_DIR/browser"
step_done
