#!/usr/bin/env bash
# Installs what n8n queue mode needs for the e2e harness (docs/n8n-notes.md#queue-mode): Debian's redis-server and
# PostgreSQL server binaries. Idempotent. The services are started per test by
# lib/queue-services.ts (policy-rc.d keeps Debian from auto-starting them, which is what we want).
set -euo pipefail
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$E2E_DIR/lib/common.sh"

step "queue services (redis-server, postgresql)"
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
command -v psql >/dev/null || missing+=(postgresql-client)
if [[ ${#missing[@]} == 0 ]]; then
  log "already installed"
else
  SUDO=""
  [[ "$(id -u)" != 0 ]] && SUDO="sudo"
  log "apt-get install -y ${missing[*]} ..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
step_done
