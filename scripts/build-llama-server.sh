#!/usr/bin/env bash
# Builds llama.cpp's `llama-server` from the llama.cpp source that node-llama-cpp ships
# (node_modules/node-llama-cpp/llama/gitRelease.bundle), so the HTTP backend is tested against a real
# OpenAI-compatible server of exactly the llama.cpp release maft already runs in-process. No network needed.
#
# Output: one self-contained binary (static libllama/libggml; only libc/libstdc++/libm/libgcc_s from the
# system) at  ${MAFT_CACHE_DIR:-$HOME/.cache/maft}/llama-server/<release>-<commit12>/llama-server
# Idempotent: when that binary exists and answers `--version`, nothing is built.
# The last line printed on stdout is always the binary's path.
#
# Environment:
#   MAFT_CACHE_DIR      cache root (default $HOME/.cache/maft)
#   MAFT_LLAMA_BUNDLE   the git bundle to build from (default: node-llama-cpp's)
#   MAFT_BUILD_JOBS     parallel compile jobs (default: nproc)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
llama_dir="$repo_root/node_modules/node-llama-cpp/llama"
bundle="${MAFT_LLAMA_BUNDLE:-$llama_dir/gitRelease.bundle}"
cache_root="${MAFT_CACHE_DIR:-$HOME/.cache/maft}"
jobs="${MAFT_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"

log() { echo "build-llama-server: $*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -f "$bundle" ]] || die "llama.cpp source bundle not found at $bundle (run npm ci first)"

# Cache key: node-llama-cpp's release name plus the bundle's commit. The test helper
# (test/helpers/llama-server.ts) derives the same key, reading the bundle header the same way.
release="$(sed -n 's/.*"release"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$llama_dir/binariesGithubRelease.json" 2>/dev/null || true)"
release="${release:-unknown}"
# A v2 bundle starts with "# v2 git bundle", then "<sha> <ref>" lines; read it without needing git.
commit="$(head -c 4096 "$bundle" | sed -n '2,20{/^[0-9a-f]\{40\} /{s/ .*//p;q}}')"
[[ -n "$commit" ]] || die "cannot read a commit from the bundle header of $bundle"
key="${release}-${commit:0:12}"
out_dir="$cache_root/llama-server/$key"
binary="$out_dir/llama-server"

if [[ -x "$binary" ]] && "$binary" --version >/dev/null 2>&1; then
  log "cached: $binary"
  echo "$binary"
  exit 0
fi

# Toolchain: install only what is missing (CI runs as root; elsewhere say what to install).
missing=()
command -v git >/dev/null || missing+=(git)
command -v cmake >/dev/null || missing+=(cmake)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || command -v ninja >/dev/null || missing+=(make)
if ((${#missing[@]} > 0)); then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]} with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    die "missing tools: ${missing[*]} (install them, e.g. apt-get install ${missing[*]})"
  fi
fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

work="$(mktemp -d "${TMPDIR:-/tmp}/maft-llama-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
start=$SECONDS

log "cloning $bundle ($commit)"
git -c advice.detachedHead=false clone --quiet "$bundle" "$work/src" >&2
git -C "$work/src" -c advice.detachedHead=false checkout --quiet "$commit" >&2

# Flags, and why:
#  Release                    optimised; llama.cpp's default, but explicit so a CMAKE_BUILD_TYPE in the env cannot change it.
#  BUILD_SHARED_LIBS=OFF      libllama/libggml linked in statically: the binary runs from the cache after $work is deleted.
#  GGML_NATIVE=OFF            no -march=native: the cache may be restored on another CI machine. With NATIVE explicitly OFF,
#                             ggml's baseline is SSE4.2/AVX/AVX2/FMA/F16C/BMI2 (Haswell, 2013+), which node-llama-cpp's
#                             prebuilt also has as its "haswell" variant; it skips the AVX-512 of this machine, which
#                             does not matter for the tiny test models.
#  GGML_OPENMP=OFF            ggml's own thread pool, like node-llama-cpp's prebuilt (no libgomp dependency).
#  LLAMA_OPENSSL=OFF          no HTTPS (tests use loopback; drops the libssl dependency).
#  LLAMA_BUILD_UI=OFF,
#  LLAMA_USE_PREBUILT_UI=OFF  no web UI: otherwise the build runs npm or downloads assets from Hugging Face.
#  LLAMA_BUILD_TESTS/EXAMPLES/APP=OFF  fewer targets to configure; only `llama-server` is built anyway.
# (LLAMA_CURL is gone in this release: llama.cpp only prints a deprecation warning for it, so it is not passed.)
log "configuring"
cmake -S "$work/src" -B "$work/build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release \
  -DBUILD_SHARED_LIBS=OFF \
  -DGGML_NATIVE=OFF \
  -DGGML_OPENMP=OFF \
  -DLLAMA_OPENSSL=OFF \
  -DLLAMA_BUILD_UI=OFF \
  -DLLAMA_USE_PREBUILT_UI=OFF \
  -DLLAMA_BUILD_TESTS=OFF \
  -DLLAMA_BUILD_EXAMPLES=OFF \
  -DLLAMA_BUILD_APP=OFF \
  -DLLAMA_BUILD_TOOLS=ON \
  -DLLAMA_BUILD_SERVER=ON \
  >"$work/configure.log" 2>&1 || { tail -n 40 "$work/configure.log" >&2; die "cmake configure failed"; }

log "building llama-server with $jobs jobs (a few minutes on 2 cores)"
cmake --build "$work/build" --target llama-server -j "$jobs" >"$work/build.log" 2>&1 ||
  { tail -n 60 "$work/build.log" >&2; die "build failed"; }

built="$(find "$work/build" -type f -name llama-server -perm -u+x | head -n 1)"
[[ -n "$built" ]] || die "llama-server not found in the build tree"
strip "$built" 2>/dev/null || true

# Install atomically: a concurrent run (or an interrupted one) never leaves a half-written binary at $binary.
mkdir -p "$out_dir"
cp "$built" "$binary.tmp.$$"
mv -f "$binary.tmp.$$" "$binary"
"$binary" --version >&2 || die "the built binary does not run"
if ldd "$binary" 2>/dev/null | grep -q 'not found'; then
  ldd "$binary" >&2
  die "the built binary has unresolved shared libraries"
fi

log "built in $((SECONDS - start)) s, $(du -h "$binary" | cut -f1): $binary"
echo "$binary"
