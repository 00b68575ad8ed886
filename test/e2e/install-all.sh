#!/usr/bin/env bash
# Installs what the e2e suites need, the npm side and the apt side at the same time (apt and npm
# do not share a lock, and both spend most of their time downloading and unpacking):
#   npm: install.sh [v1|v2|all] (n8n 1.x and 2.x);
#   apt: install-browser.sh (Chromium, then playwright-core), then install-queue.sh with --queue
#        (Redis, PostgreSQL); one after the other, because dpkg takes one install at a time.
# Each line is prefixed with its side ([npm] / [apt]). Exits non-zero when either side failed.
# Usage: test/e2e/install-all.sh [v1|v2|all] [--queue]   Env: E2E_NO_BROWSER=1 skips the browser.
set -euo pipefail
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$E2E_DIR/lib/common.sh"

WHICH=all
QUEUE=0
for arg in "$@"; do
  case "$arg" in
    v1|v2|all) WHICH="$arg" ;;
    --queue) QUEUE=1 ;;
    *) die "usage: $0 [v1|v2|all] [--queue]" ;;
  esac
done

apt_side() {
  if [[ "${E2E_NO_BROWSER:-}" != 1 ]]; then "$E2E_DIR/install-browser.sh"; fi
  if [[ $QUEUE == 1 ]]; then "$E2E_DIR/install-queue.sh"; fi
}

npm_side() { "$E2E_DIR/install.sh" "$WHICH"; }

START=$SECONDS
rc=0
side_by_side npm npm_side apt apt_side || rc=$?
log "install-all.sh $WHICH finished in $((SECONDS - START))s"
exit $rc
