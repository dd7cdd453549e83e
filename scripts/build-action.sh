#!/usr/bin/env bash
# Bundles the GitHub Action (packages/action, ESM) with ncc into one file that runners execute as is.
# Usage: scripts/build-action.sh [OUT_DIR]   (default: dist/ at the repository root, which is committed)
# ncc compiles the TypeScript sources with packages/action/tsconfig.json (type-checked) and writes
# index.js, package.json ({"type": "module"}) and licenses.txt of the bundled third-party code.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$root/dist}")"
source "$root/scripts/env.sh"
cd "$root/packages/action"
rm -rf "$out"
# No cache: what ends up in dist/ must depend on the sources and the lockfile only.
node node_modules/@vercel/ncc/dist/ncc/cli.js build src/index.ts --out "$out" --license licenses.txt --no-cache --quiet
