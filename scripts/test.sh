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
echo "== tests"
set +e
pnpm -s test --reporter=default --reporter=json --outputFile=.tools/vitest-results.json
code=$?
set -e
# One plain closing line that any CI reader understands.
node -e 'const r = require("./.tools/vitest-results.json"); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`)' || true
exit $code
