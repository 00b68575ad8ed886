# Shared shell helpers for the e2e install/run scripts. Source it, don't run it.
# Every line is prefixed with [e2e] and every step prints its wall-clock duration, so a user
# watching a cold install (about 3 minutes per n8n version) always sees what is happening.

E2E_DIR="${E2E_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
REPO_ROOT="$(cd "$E2E_DIR/../.." && pwd)"

log() { printf '[e2e] %s\n' "$*"; }
die() { printf '[e2e] ERROR: %s\n' "$*" >&2; exit 1; }

_STEP_NAME=""
_STEP_START=0
step() {
  _STEP_NAME="$1"
  _STEP_START=$SECONDS
  printf '[e2e] ==> %s\n' "$_STEP_NAME"
}
step_done() {
  printf '[e2e] <== %s (%ss)\n' "$_STEP_NAME" "$((SECONDS - _STEP_START))"
}

# run_with_heartbeat LABEL CMD...: runs CMD and prints "still running" every 20 s, because
# `npm install` of n8n is silent for ~2 minutes.
run_with_heartbeat() {
  local label="$1"; shift
  local start=$SECONDS
  ( while sleep 20; do log "  ... $label still running ($((SECONDS - start))s)"; done ) &
  local hb=$!
  local rc=0
  "$@" || rc=$?
  kill "$hb" 2>/dev/null || true
  wait "$hb" 2>/dev/null || true
  return $rc
}

# stamp_of DIR [EXTRA]: what a finished install of DIR looks like: the lockfile's hash plus
# anything that changes the built native modules (EXTRA, e.g. the node version).
stamp_of() {
  local dir="$1" extra="${2:-}"
  { sha256sum "$dir/package.json" "$dir/package-lock.json" | awk '{print $1}'; echo "$extra"; } | sha256sum | awk '{print $1}'
}
stamp_file() { echo "$1/node_modules/.e2e-install-stamp"; }
# A checkout whose node_modules is a link to another checkout's install (a git worktree) uses that
# install as it is: reinstalling from here would rewrite the other checkout's files under it.
is_installed() {
  if [[ -L "$1/node_modules" && -f "$(stamp_file "$1")" ]]; then return 0; fi
  [[ -f "$(stamp_file "$1")" && "$(cat "$(stamp_file "$1")")" == "$2" ]]
}

# npm_install_dir DIR: the install recipe that works on this machine (docs/n8n-notes.md#install, docs/n8n-notes.md#pitfall-registry-gaps, docs/n8n-notes.md#pitfall-install-scripts):
#  - `npm install`, NOT `npm ci`: the registry mirror lacks optional @msgpackr-extract/* platform
#    packages, and `npm ci` refuses a lockfile that lists them;
#  - --ignore-scripts: @confluentinc/kafka-javascript's install script downloads zlib/openssl from
#    the internet, fails, and npm then rolls back the whole install. Native modules that matter
#    (sqlite3, and the `node` binary for v2) are rebuilt explicitly afterwards.
npm_install_dir() {
  local dir="$1"
  [[ -f "$dir/package-lock.json" ]] || die "$dir/package-lock.json is missing (create it with: npm i --package-lock-only --ignore-scripts)"
  (cd "$dir" && run_with_heartbeat "npm install in $(basename "$dir")" \
    npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
}

# install_npm_dir DIR: idempotent plain install (no native rebuilds), for small dirs like browser/.
install_npm_dir() {
  local dir="$1" stamp
  stamp="$(stamp_of "$dir")"
  if is_installed "$dir" "$stamp"; then
    log "$(basename "$dir"): up to date (lockfile unchanged), skipping"
    return 0
  fi
  npm_install_dir "$dir"
  stamp_of "$dir" > "$(stamp_file "$dir")"
}

# side_by_side LABEL_A CMD_A LABEL_B CMD_B: runs the two commands (functions or programs) at once,
# each output line prefixed with its label; after both ended, says how each ended and returns
# non-zero when either failed.
side_by_side() {
  local a_label="$1" a_cmd="$2" b_label="$3" b_cmd="$4" a_pid b_pid a_rc=0 b_rc=0
  "$a_cmd" 2>&1 | sed -u "s/^/[$a_label] /" &
  a_pid=$!
  "$b_cmd" 2>&1 | sed -u "s/^/[$b_label] /" &
  b_pid=$!
  wait "$a_pid" || a_rc=$?
  wait "$b_pid" || b_rc=$?
  log "$a_label exit $a_rc, $b_label exit $b_rc"
  [[ $a_rc == 0 && $b_rc == 0 ]]
}
