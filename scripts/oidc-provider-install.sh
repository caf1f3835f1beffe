#!/usr/bin/env bash
# Installs the pinned third-party authorization server (npm `oidc-provider`,
# version and lockfile in tests/third_party/oidc-provider/) into a cache outside
# the repository, with its harness script beside it, and prints that directory.
# Idempotent: reinstalls only when the lockfile changed.
set -euo pipefail
src="$(cd "$(dirname "$0")/../tests/third_party/oidc-provider" && pwd)"
version=$(sed -n 's/.*"oidc-provider": "\([^"]*\)".*/\1/p' "$src/package.json")
dir="${OOAUTHCC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ooauthcc}/oidc-provider-$version"
mkdir -p "$dir"
if ! cmp -s "$src/package-lock.json" "$dir/package-lock.json" || [ ! -d "$dir/node_modules/oidc-provider" ]; then
  cp "$src/package.json" "$src/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
# ESM resolves imports next to the script, so the harness lives beside node_modules.
cp "$src/server.mjs" "$dir/server.mjs"
echo "$dir"
