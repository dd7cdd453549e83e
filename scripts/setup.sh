#!/usr/bin/env bash
# Brings Node 24 and pnpm when missing, then installs the workspace exactly as the lockfile says.
# Idempotent and quick when everything is already there.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$VIGIL_ROOT"
mkdir -p .tools
# Arguments narrow the install, e.g. `--filter @vigil/cli...` for the demo, which needs no Backstage packages.
if ! pnpm install --frozen-lockfile --reporter=append-only "$@" > .tools/install.log 2>&1; then
  cat .tools/install.log >&2
  echo "vigil: pnpm install failed (log above, also in .tools/install.log)" >&2
  exit 1
fi
