#!/usr/bin/env bash
# Brings Node 24 and pnpm when missing, then installs the workspace exactly as the lockfile says.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$VIGIL_ROOT"
pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -vE '^(Progress|Packages:)' >&2 || true
test -d node_modules/.pnpm || { echo "vigil: pnpm install failed" >&2; exit 1; }
