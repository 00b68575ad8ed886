#!/usr/bin/env bash
# Installs Debian's redis-server and postgresql for the queue-mode e2e (issue 8), only when missing:
# `apt-get update && apt-get install -y redis-server postgresql`. Idempotent; nothing is started
# (Debian's policy-rc.d blocks auto-start; services.ts starts throw-away instances per run).
set -euo pipefail
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
command -v psql >/dev/null || missing+=(postgresql-client)
if [[ ${#missing[@]} == 0 ]]; then
  echo "[queue] redis-server and postgresql already installed"
  exit 0
fi
SUDO=""
[[ "$(id -u)" != 0 ]] && SUDO="sudo"
echo "[queue] apt-get install -y ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
echo "[queue] installed"
