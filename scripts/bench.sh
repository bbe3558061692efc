#!/usr/bin/env bash
# Classification benchmark: idle latency and 32-client throughput, batching on vs off, one run, one machine.
# Usage: bash scripts/bench.sh [seconds per phase] [classify|image|access|generate|int8|tensor]
# BENCH_NO_BUILD=1 runs what is already built (the CI smoke test, after the solution's build).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_NO_BUILD:-0}" = 1 ]; then
  dotnet run -c Release --no-build --project loadtests/InferenceApi.Bench -- "$@"
else
  dotnet build -c Release src/InferenceApi -v quiet -nologo
  dotnet run -c Release --project loadtests/InferenceApi.Bench -- "$@"
fi
