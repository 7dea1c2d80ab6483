#!/usr/bin/env bash
# Builds llama.cpp's own training example (examples/training/finetune.cpp, the llama_opt_* loop) from the source
# node-llama-cpp ships, linked against node-llama-cpp's prebuilt libraries — the baseline `bench/training.ts`
# compares maft's trainer with. One file, ~2 s. Cached in ${MAFT_CACHE_DIR:-$HOME/.cache/maft}/llama-finetune/.
# The last line printed is the binary's path.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="$repo_root/node_modules/node-llama-cpp/llama/gitRelease.bundle"
bins="$repo_root/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64"
[[ -f "$bundle" && -d "$bins" ]] || { echo "build-llama-finetune: run npm ci first" >&2; exit 1; }
key="$(git bundle list-heads "$bundle" | head -n 1 | cut -c1-12)"
out="${MAFT_CACHE_DIR:-$HOME/.cache/maft}/llama-finetune/$key"
if [[ ! -x "$out/finetune" ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  git clone --quiet "$bundle" "$work/src" 2>/dev/null
  mkdir -p "$out"
  s="$work/src"
  g++ -O2 -std=c++17 "$s/examples/training/finetune.cpp" -I"$s/include" -I"$s/ggml/include" -I"$s/common" -I"$s/vendor" \
    -o "$out/finetune.tmp" "$bins/libllama-common.so" "$bins"/libllama.v*.so "$bins"/libggml.v*.so "$bins/libggml-base.so" -Wl,-rpath,"$bins"
  mv "$out/finetune.tmp" "$out/finetune"
fi
echo "$out/finetune"
