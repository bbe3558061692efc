# syntax=docker/dockerfile:1
# InferenceApi server image.
#   CPU (default):  docker build -t inference-api .
#   GPU (CUDA 13):  docker build -t inference-api:gpu --build-arg USE_GPU=true .
# The GPU build swaps Microsoft.ML.OnnxRuntime for Microsoft.ML.OnnxRuntime.Gpu.Linux at the same version
# (-p:UseGpu=true; Directory.Packages.props pins both, and the build fails if restore resolves another), which
# links CUDA 13 and cuDNN 9, so its runtime stage is NVIDIA's CUDA 13 + cuDNN 9 image. It publishes
# self-contained, so that image needs no .NET runtime of its own. The host needs a driver for CUDA 13 (580+)
# and the NVIDIA container toolkit (docker run --gpus all).

ARG USE_GPU=false
# Overridable, e.g. to pin a digest or try a newer CUDA 13.x.
ARG CPU_RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble
ARG GPU_RUNTIME_IMAGE=nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG USE_GPU
WORKDIR /src

# Restore first, from the project files alone, so code changes reuse the cached package layer.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY src/InferenceApi/InferenceApi.csproj src/InferenceApi/
COPY src/InferenceApi.Core/InferenceApi.Core.csproj src/InferenceApi.Core/
COPY src/InferenceApi.Onnx/InferenceApi.Onnx.csproj src/InferenceApi.Onnx/
RUN dotnet restore src/InferenceApi/InferenceApi.csproj -r linux-x64 -p:UseGpu=${USE_GPU}

COPY appsettings.json ./
COPY src/ src/
RUN if [ "$USE_GPU" = "true" ]; then selfcontained=true; else selfcontained=false; fi \
 && dotnet publish src/InferenceApi/InferenceApi.csproj --no-restore -c Release -r linux-x64 \
      --self-contained "$selfcontained" -p:UseGpu=${USE_GPU} -o /app

# One runtime base per flavour; BuildKit builds only the stage that final names.
FROM ${CPU_RUNTIME_IMAGE} AS runtime-false
FROM ${GPU_RUNTIME_IMAGE} AS runtime-true

FROM runtime-${USE_GPU} AS final
# ICU for globalization (present in the aspnet image; needed on the CUDA base).
RUN if ! ldconfig -p | grep -q libicuuc; then \
      apt-get update && apt-get install -y --no-install-recommends libicu74 ca-certificates && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /app
COPY --from=build /app ./
COPY models/ ./models/
# ORT_DISABLE_TELEMETRY: ONNX Runtime's own usage telemetry would otherwise keep an event database under
# $HOME/.cache, which a read-only root filesystem (deploy/kubernetes) does not allow.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_gcServer=1 \
    ORT_DISABLE_TELEMETRY=1 \
    Models__Path=/app/models
EXPOSE 8080
# The aspnet image's unprivileged user (UID 1654); on the CUDA base the numeric id works the same.
USER 1654
# Liveness for plain `docker run` and compose (`docker ps` shows healthy/unhealthy). Neither base image has curl
# or wget, so bash's /dev/tcp sends the request. Liveness, not readiness: a draining or still-loading server is
# alive, and Kubernetes ignores HEALTHCHECK in favour of its own probes on /health/live and /health/ready.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["./InferenceApi"]
