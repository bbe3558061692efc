#!/usr/bin/env bash
# Classification benchmark: idle latency and 32-client throughput, batching on vs off, one run, one machine.
# Usage: bash scripts/bench.sh [seconds per phase] [classify|image|access|generate|int8|tensor]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release src/InferenceApi -v quiet -nologo
dotnet run -c Release --project loadtests/InferenceApi.Bench -- "$@"
