#!/usr/bin/env bash
# Fails when the committed dist/ (what runners execute) differs from a fresh build of packages/action:
# run `pnpm build:action` and commit dist/ after changing the Action or anything it bundles.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bash "$root/scripts/build-action.sh" "$tmp/dist"
if ! diff -r -q "$root/dist" "$tmp/dist" >/dev/null; then
  echo "check-dist: dist/ is not the build of the current sources:" >&2
  diff -r -q "$root/dist" "$tmp/dist" >&2 || true
  # The bundle is minified: show where it differs, not megabyte-long lines.
  diff -u "$root/dist/index.js" "$tmp/dist/index.js" 2>/dev/null | head -40 | cut -c1-200 >&2 || true
  echo "check-dist: run 'pnpm build:action' and commit dist/" >&2
  exit 1
fi
echo "check-dist: dist/ matches a fresh build"
