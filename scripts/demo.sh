#!/usr/bin/env bash
# The README's first command: installs what is missing, then runs a real verification end to end on bundled,
# recorded data (no account needed): the checkout canary has a latency regression and a new exception.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --filter "@vigil/cli..."
source scripts/env.sh
echo "== vigil verify -c examples/checkout/vigil.yaml --report-dir out/checkout" >&2
set +e
node packages/cli/src/bin.ts verify -c examples/checkout/vigil.yaml --report-dir out/checkout
code=$?
set -e
# The example canary carries a regression, so the expected verdict is FAIL (exit 1); anything else is a problem.
if [ "$code" -ne 1 ]; then echo "demo: expected the example to fail verification (exit 1), got exit $code" >&2; exit 1; fi
echo "demo: the regression was caught (exit 1 = fail, as a CI step would). Open out/checkout/report.html for the charts." >&2
