#!/usr/bin/env bash
# A smoke of maft on a newer Node major than the machine's (CI runs the whole suite on Node 20, the oldest
# `engines` allows; users mostly run 22 or 24). With that Node first on PATH, from a built checkout (`npm ci`):
#   1. the built CLI (`bin/maft.cjs` on `dist/`, what `npx maft` runs) does a tiny `maft run` end to end on the shipped
#      model: the embedded engine (node-llama-cpp's native addon), the debate, the data, a LoRA job in a child
#      process (maft's trainer on ggml through koffi), the held-out debate with the adapter, results.json;
#   2. the test files at the native and process boundaries: the engine, the trainer's forward pass, the server.
#
#   bash scripts/node-smoke.sh 24
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# == 1 ]] || { echo "usage: node-smoke.sh <major>" >&2; exit 2; }

bin="$(bash scripts/node-runtime.sh "$1" | tail -n 1)"
export PATH="$bin:$PATH"
echo "node-smoke: $(node --version)"
[[ -f dist/cli/main.js ]] || { echo "node-smoke: error: dist/ is missing (run npm ci first)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/tiny.yaml" <<EOF
task: { name: arithmetic, options: { max: 9 } }
split: { finetuneCount: 2, evalCount: 2 }
methods: [base, debate, multiagent-ft]
iterations: 1
sampling: { maxTokens: 160 }
backend: { kind: llama-cpp, model: "$PWD/models/arithmetic-base.gguf", threads: 1, contexts: 1, contextSize: 1024 }
trainer: { epochs: 1, windowLength: 512, parallelJobs: 1 }
diversity: { problems: 0 }
EOF
node bin/maft.cjs run "$work/tiny.yaml" --run "$work/run"
node -e '
  const results = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  const scored = results.scores.find((score) => score.method === "multiagent-ft" && score.iteration === 1);
  if (!results.progress.finished || scored === undefined || scored.problems !== 2)
    throw new Error("the run did not finish with multiagent FT iteration 1 scored on 2 problems");
' "$work/run/artifacts/results.json"
npx vitest run --project fast test/backends/llama-cpp/engine.test.ts test/trainer/forward-parity.test.ts test/serve/serve.test.ts
echo "node-smoke: Node $1 passed"
