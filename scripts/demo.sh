#!/usr/bin/env bash
# The README's first command: installs what is missing, then runs a real verification on bundled example
# data (no account needed) and prints the explained verdict.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
echo "== vigil compare: canary latency vs baseline (examples/compare)" >&2
set +e
node packages/cli/src/bin.ts compare --baseline examples/compare/baseline.csv --canary examples/compare/canary.csv \
  --metric "p99 latency" --kind latency --unit ms
code=$?
set -e
# The example canary carries a regression, so the expected verdict is FAIL (exit 1); anything else is a problem.
if [ "$code" -ne 1 ]; then echo "demo: expected the example to fail verification (exit 1), got exit $code" >&2; exit 1; fi
echo "demo: the regression was caught (vigil exited 1 = fail, as a CI step would)." >&2
