#!/usr/bin/env bash
# Install the Prism mock server (npm @stoplight/prism-cli, 5.x) for the
# contract tests in tests/test_prism_contract.py.
#
# Usage: scripts/install_prism.sh [DIR]   (default: .cache/prism under the repo root)
# Idempotent: does nothing when DIR/node_modules/.bin/prism already runs.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$repo_root/.cache/prism}"
prism="$dir/node_modules/.bin/prism"

if [ -x "$prism" ] && version="$("$prism" --version 2>/dev/null)"; then
    echo "prism $version already installed in $dir"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "install_prism.sh: npm not found; Node.js >= 18 and npm are required" >&2
    exit 1
fi

mkdir -p "$dir"
start=$(date +%s)
npm install --no-audit --no-fund --loglevel=error --prefix "$dir" "@stoplight/prism-cli@5"
version="$("$prism" --version)"
echo "prism $version installed in $dir in $(($(date +%s) - start)) s"
