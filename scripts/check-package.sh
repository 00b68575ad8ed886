#!/usr/bin/env bash
# Shipped-code hygiene. Checks the tarball npm would publish:
#   1. it holds only package.json, index.js, README.md, LICENSE, CHANGELOG.md and dist/ (no source maps, no
#      TypeScript sources, no tests, simulator, benchmarks or scripts), and every file package.json's
#      "n8n" section points at;
#   2. n8n's community package scanner (@n8n/scan-community-package) passes on the unpacked tarball
#      and on the node/credential sources (its analysis run offline, see scripts/scan-package.ts);
#   3. no blanket ESLint disables: no rule-less `eslint-disable` in anything `npm run lint` covers,
#      no file-level disable in shipped code, and the shipped code lints clean with inline
#      configuration ignored (so no disable comment is doing any work).
#
# Usage:
#   scripts/check-package.sh                    build (npm run build), pack, check
#   scripts/check-package.sh --tarball <.tgz>   check an existing tarball (no build, no pack)
# Exits 1 with every problem listed when a check fails.
set -uo pipefail

# eslint-plugin-n8n-nodes-base (used by n8n's lint config and its scanner) switches to fixture file
# names when NODE_ENV=test, and then misreports every real file; jest sets NODE_ENV=test.
unset NODE_ENV

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 2

tarball=""
if [[ "${1:-}" == "--tarball" ]]; then
	tarball="$(cd "$(dirname "${2:?--tarball needs a path}")" && pwd)/$(basename "$2")"
elif [[ $# -gt 0 ]]; then
	echo "usage: $0 [--tarball <file.tgz>]" >&2
	exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
problems=()
problem() { problems+=("$1"); }

if [[ -z "$tarball" ]]; then
	echo "== build"
	npm run build >"$work/build.log" 2>&1 || { cat "$work/build.log"; echo "build failed" >&2; exit 1; }
	echo "== pack"
	npm pack --ignore-scripts --pack-destination "$work" >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; exit 1; }
	tarball="$(ls "$work"/*.tgz)"
fi
[[ -f "$tarball" ]] || { echo "no tarball at $tarball" >&2; exit 2; }

echo "== contents of $(basename "$tarball")"
tar -tzf "$tarball" | sort >"$work/list.txt"
echo "$(wc -l <"$work/list.txt") files"

# 1. Allow-list, deny-list, required entries.
while IFS= read -r entry; do
	[[ "$entry" == */ ]] && continue # a directory entry (npm writes none; a hand-made tarball may)
	[[ "$entry" =~ ^package/(dist/.+|package\.json|index\.js|README\.md|LICENSE|CHANGELOG\.md)$ ]] || problem "not allowed in the tarball: $entry"
	[[ "$entry" =~ \.(map|ts|tsx|mts|cts)$ ]] && problem "source map or TypeScript source in the tarball: $entry"
	[[ "$entry" =~ (^|/)(test|tests|__tests__|simulator|bench|scripts|fixtures|coverage)/ ]] && problem "test/tooling directory in the tarball: $entry"
	[[ "$entry" =~ \.(test|spec)\.[cm]?js$ ]] && problem "test file in the tarball: $entry"
done <"$work/list.txt"

mkdir -p "$work/package"
tar -xzf "$tarball" -C "$work/package" --strip-components=1
for required in package.json index.js README.md LICENSE CHANGELOG.md; do
	[[ -f "$work/package/$required" ]] || problem "missing from the tarball: $required"
done
if [[ -f "$work/package/package.json" ]]; then
	node -e '
		const pkg = require(process.argv[1]);
		const n8n = pkg.n8n || {};
		const listed = [...(n8n.nodes || []), ...(n8n.credentials || [])];
		if (listed.length === 0) console.log("package.json has no n8n.nodes");
		for (const file of listed) if (!require("fs").existsSync(require("path").join(process.argv[2], file))) console.log(`n8n section points at a file not in the tarball: ${file}`);
		if (Object.keys(pkg.dependencies || {}).length) console.log(`runtime dependencies (n8n verified nodes allow none): ${Object.keys(pkg.dependencies).join(", ")}`);
	' "$work/package/package.json" "$work/package" >"$work/n8n-section.txt"
	while IFS= read -r line; do [[ -n "$line" ]] && problem "$line"; done <"$work/n8n-section.txt"
fi

# 2. n8n's community package scanner.
echo "== n8n community package scanner"
if npx --no-install tsx scripts/scan-package.ts "$work/package" "$root" >"$work/scan.json" 2>"$work/scan.err"; then
	node -e 'for (const l of require(process.argv[1]).legs) console.log(`${l.name}: ${l.passed ? "passed" : "FAILED"}`)' "$work/scan.json"
else
	problem "n8n community package scanner failed"
	node -e 'try { for (const l of require(process.argv[1]).legs) if (!l.passed) console.log(`${l.name}: ${l.message}\n${l.details || ""}`) } catch { }' "$work/scan.json"
	cat "$work/scan.err" >&2
fi

# 3. Blanket disables.
echo "== eslint-disable comments"
lint_targets=()
for dir in nodes credentials simulator test bench scripts; do [[ -d "$dir" ]] && lint_targets+=("$dir"); done
code_globs=(--include='*.ts' --include='*.js' --include='*.mjs' --include='*.cjs')
grep_code() {
	grep -rnE "$1" "${@:2}" "${code_globs[@]}" --exclude-dir=node_modules --exclude-dir=artifacts --exclude-dir=dist 2>/dev/null
}
# A disable comment that names no rule turns every rule off.
while IFS= read -r hit; do
	[[ -n "$hit" ]] && problem "eslint-disable without a rule name: $hit"
done < <(grep_code 'eslint-disable(-next-line|-line)?[[:space:]]*(\*/|$)' "${lint_targets[@]}")
# In shipped code not even a rule-specific file-level disable, nor one in the compiled output.
while IFS= read -r hit; do
	[[ -n "$hit" ]] && problem "file-level eslint-disable in shipped code: $hit"
done < <(grep_code '/\*[[:space:]]*eslint-disable([[:space:]]|\*/)' nodes credentials)
while IFS= read -r hit; do
	[[ -n "$hit" ]] && problem "eslint directive in the tarball: $hit"
done < <(grep -rnE 'eslint-disable|eslint-enable' "$work/package" "${code_globs[@]}" 2>/dev/null)
echo "== shipped code lints clean with inline configuration ignored"
if ! npx --no-install eslint --no-inline-config nodes credentials package.json >"$work/lint.txt" 2>&1; then
	problem "shipped code needs its eslint-disable comments (eslint --no-inline-config nodes credentials package.json fails)"
	cat "$work/lint.txt"
fi

if [[ ${#problems[@]} -gt 0 ]]; then
	echo
	echo "check-package: FAILED"
	printf '  - %s\n' "${problems[@]}"
	exit 1
fi
echo
echo "check-package: OK ($(wc -l <"$work/list.txt") files, scanner passed, no blanket disables)"
