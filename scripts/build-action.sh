#!/usr/bin/env bash
# Bundles the GitHub Action (packages/action, ESM) with esbuild into files that runners execute as is.
# Usage: scripts/build-action.sh [OUT_DIR]   (default: dist/ at the repository root, which is committed)
# Writes index.js (one minified file), package.json ({"type": "module"})
# and licenses.txt of the bundled third-party code. See scripts/build-action.ts for what is trimmed and why.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$root/dist}")"
source "$root/scripts/env.sh"
node "$root/scripts/build-action.ts" "$out"
