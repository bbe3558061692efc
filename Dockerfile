# syntax=docker/dockerfile:1
# InferenceApi server image.
#   CPU (default):  docker build -t inference-api .
#   GPU (CUDA 12):  docker build -t inference-api:gpu --build-arg USE_GPU=true \
#                     --build-arg RUNTIME_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 .
# The GPU build swaps Microsoft.ML.OnnxRuntime for Microsoft.ML.OnnxRuntime.Gpu (-p:UseGpu=true) and
# publishes self-contained, so the CUDA base image needs no .NET runtime of its own.

ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG USE_GPU=false
WORKDIR /src

# Restore first, from the project files alone, so code changes reuse the cached package layer.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/InferenceApi/InferenceApi.csproj src/InferenceApi/
COPY src/InferenceApi.Core/InferenceApi.Core.csproj src/InferenceApi.Core/
COPY src/InferenceApi.Onnx/InferenceApi.Onnx.csproj src/InferenceApi.Onnx/
RUN dotnet restore src/InferenceApi/InferenceApi.csproj -r linux-x64 -p:UseGpu=${USE_GPU}

COPY appsettings.json ./
COPY src/ src/
RUN if [ "$USE_GPU" = "true" ]; then selfcontained=true; else selfcontained=false; fi \
 && dotnet publish src/InferenceApi/InferenceApi.csproj --no-restore -c Release -r linux-x64 \
      --self-contained "$selfcontained" -p:UseGpu=${USE_GPU} -o /app

FROM ${RUNTIME_IMAGE} AS final
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
ENTRYPOINT ["./InferenceApi"]
