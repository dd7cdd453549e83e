#!/usr/bin/env bash
# Runs every check and test: lint, types, unit and end-to-end tests (with real Prometheus, PostgreSQL
# and Chromium, installed by scripts/system-deps.sh when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
bash scripts/system-deps.sh
echo "== lint" && pnpm -s lint
echo "== types" && pnpm -s typecheck
echo "== action bundle" && bash scripts/check-dist.sh
echo "== tests" && pnpm -s test
