#!/usr/bin/env bash
# Runs every test project. Installs what the tests run first if it is missing (redis-server, haproxy, jq,
# PyYAML, chromium: the Redis tests start their own server on a free loopback port, the deployment tests run
# scripts/scaleout.sh and scripts/check-containers.py, the playground tests drive Debian's chromium), builds the
# GPU flavour and runs its CPU-fallback tests, then prints the totals as the last line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

# The Redis tests run a real redis-server; the deployment tests run haproxy (scale-out proof and its config
# check), jq (scripts/scaleout.sh) and PyYAML (scripts/check-containers.py); the shipped digits model is tested
# on digits typed in DejaVu (rendered with SkiaSharp from these font files); the playground's browser tests drive
# Debian's chromium through Playwright, by executable path (never a downloaded browser).
bash scripts/install-missing.sh redis-server haproxy jq "python3-yaml=python3 -c 'import yaml'" \
  "fonts-dejavu-core=test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf" "chromium=test -x /usr/bin/chromium"

results="$(pwd)/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

status=0
dotnet build InferenceApi.sln --configuration Release -nologo -v quiet || status=$?
if [ "$status" -eq 0 ]; then
  # One project at a time, each with its own results file: the HTTP tests already load both cores.
  for project in tests/*/*.csproj; do
    name=$(basename "$project" .csproj)
    dotnet test "$project" --configuration Release --no-build \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
      --results-directory "$results" "$@" || status=$?
  done

  # The GPU image's build (-p:UseGpu=true: Microsoft.ML.OnnxRuntime.Gpu.Linux at the pinned version) must restore,
  # compile, and on this GPU-less machine fall back to the CPU saying which CUDA library is missing. Its own
  # artifacts folder keeps the CPU build above untouched. Package files are hard-linked from the NuGet cache
  # instead of copied (the CUDA provider alone is 284 MB, copied twice it was 1.7 GB), and the folder is removed after.
  gpu="$(pwd)/artifacts/gpu"
  echo "GPU build (-p:UseGpu=true) and its CPU-fallback tests"
  if dotnet build tests/InferenceApi.Tests/InferenceApi.Tests.csproj --configuration Release -nologo -v quiet \
      -p:UseGpu=true --artifacts-path "$gpu" \
      -p:CreateHardLinksForCopyLocalIfPossible=true -p:CreateHardLinksForCopyFilesToOutputDirectoryIfPossible=true; then
    dotnet test "$gpu/bin/InferenceApi.Tests/release/InferenceApi.Tests.dll" --filter "FullyQualifiedName~WithoutAUsableGpu" \
      --logger "trx;LogFileName=InferenceApi.Tests.Gpu.trx" --logger "console;verbosity=minimal" \
      --results-directory "$results" || status=$?
  else
    status=1
  fi
  rm -rf "$gpu"
fi

passed=0
failed=0
found=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  found=1
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ "$found" -eq 0 ]; then
  echo "No test results were written (the build failed?)"
  status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "$passed passed, $failed failed"
exit "$status"
