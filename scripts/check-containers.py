#!/usr/bin/env python3
"""Static checks of the Dockerfile and docker-compose.yml, for machines without a Docker engine.

Checks that every COPY source exists in the build context and is not excluded by .dockerignore,
that build stages and ARGs used are declared, and (when PyYAML is present) that the compose file
parses, its services reference each other correctly and its bind-mounted files exist; that it runs on
docker-compose 1.29 as well as Compose v2 (no top-level `name:`); that `--scale api=N` works (the api
service publishes no host port and has no container_name) behind a load balancer that health-checks
/health/ready on the api's port, and that the api has a healthcheck on it. With haproxy installed, its
configuration is checked by `haproxy -c`. In the Dockerfile: a FROM naming a stage through an ARG finds a stage
for each value the ARG takes, the image's HEALTHCHECK probes /health/live on the port the server listens on,
the GPU runtime base is CUDA 13 with cuDNN (what Microsoft.ML.OnnxRuntime.Gpu.Linux links), and the CPU and
GPU ONNX Runtime packages share one pinned version that Directory.Build.targets enforces. `--strict` (what the tests run) fails when PyYAML or haproxy is
missing instead of skipping those checks.
"""
import fnmatch
import os
import re
import shutil
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
strict = "--strict" in sys.argv[1:]
problems = []


def skipped(what):
    if strict:
        problems.append(f"{what} is missing (--strict)")
    else:
        print(f"{what} not installed: its checks are skipped")

ignore = [l.strip() for l in open(os.path.join(root, ".dockerignore")) if l.strip() and not l.startswith("#")]


def ignored(path):
    return any(fnmatch.fnmatch(path, p.rstrip("/")) or fnmatch.fnmatch(path + "/", p) or path.startswith(p.lstrip("*/")) for p in ignore)


dockerfile = open(os.path.join(root, "Dockerfile")).read()
lines = dockerfile.replace("\\\n", " ").splitlines()
stages, args, defaults = set(), set(), {}
stage_refs, healthchecks, exposed = [], [], set()
for line in lines:
    words = line.split()
    if not words or words[0].startswith("#"):
        continue
    op = words[0].upper()
    if op == "ARG":
        name, _, default = words[1].partition("=")
        args.add(name)
        if default:
            defaults[name] = default
    elif op == "FROM":
        image = words[1]
        for used in re.findall(r"\$\{?(\w+)\}?", image):
            if used not in args:
                problems.append(f"FROM uses undeclared ARG {used}")
        if re.match(r"^[a-z-]+\$\{?\w+\}?$", image):
            stage_refs.append(image)
        if len(words) >= 4 and words[2].upper() == "AS":
            stages.add(words[3])
    elif op == "HEALTHCHECK":
        healthchecks.append(line)
    elif op == "EXPOSE":
        exposed.update(words[1:])
    elif op == "COPY":
        sources = [w for w in words[1:-1] if not w.startswith("--")]
        from_stage = next((w.split("=", 1)[1] for w in words[1:] if w.startswith("--from=")), None)
        if from_stage:
            if from_stage not in stages:
                problems.append(f"COPY --from={from_stage}: no such stage")
            continue
        for source in sources:
            path = os.path.join(root, source)
            if not os.path.exists(path):
                problems.append(f"COPY source missing: {source}")
            elif ignored(source.rstrip("/")):
                problems.append(f"COPY source excluded by .dockerignore: {source}")

# A stage chosen by an ARG (FROM runtime-${USE_GPU}): every value the build documents must name a stage.
for ref in stage_refs:
    for value in ("true", "false"):
        stage = re.sub(r"\$\{?\w+\}?", value, ref)
        if stage not in stages:
            problems.append(f"FROM {ref}: no stage {stage}")

gpu_image = defaults.get("GPU_RUNTIME_IMAGE", "")
if not re.match(r"^nvidia/cuda:13\.\d+\.\d+-cudnn-runtime-", gpu_image):
    problems.append(f"GPU_RUNTIME_IMAGE {gpu_image!r} must be a CUDA 13 cuDNN runtime image (ONNX Runtime's GPU package links CUDA 13 and cuDNN 9)")

packages = open(os.path.join(root, "Directory.Packages.props")).read()
for package in ("Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxRuntime.Gpu.Linux"):
    version = re.search(rf'<PackageVersion Include="{re.escape(package)}" Version="([^"]+)"', packages)
    if "<OnnxRuntimeVersion>" not in packages or not version or version.group(1) != "$(OnnxRuntimeVersion)":
        problems.append(f"{package} must be pinned to $(OnnxRuntimeVersion) in Directory.Packages.props")
targets = os.path.join(root, "Directory.Build.targets")
if not os.path.exists(targets) or "OnnxRuntimeVersion" not in open(targets).read():
    problems.append("Directory.Build.targets must fail the build on an ONNX Runtime version drift")

try:
    import yaml
except ImportError:
    yaml = None
    skipped("PyYAML")

# The port the image's server listens on.
image_port = (re.search(r"ASPNETCORE_HTTP_PORTS=(\d+)", dockerfile) or [None, None])[1]
if image_port is None:
    problems.append("the Dockerfile sets no ASPNETCORE_HTTP_PORTS")
elif image_port not in exposed:
    problems.append(f"EXPOSE does not list {image_port}")

# The image's own HEALTHCHECK, for plain `docker run` (compose overrides it per service).
if len(healthchecks) != 1:
    problems.append(f"the image needs exactly one HEALTHCHECK, found {len(healthchecks)}")
else:
    check = healthchecks[0]
    if "/health/live" not in check:
        problems.append("the image's HEALTHCHECK must probe /health/live (a draining or loading server is alive, not dead)")
    if image_port and f"/{image_port}" not in check and f":{image_port}" not in check:
        problems.append(f"the image's HEALTHCHECK must target port {image_port}, which ASPNETCORE_HTTP_PORTS sets")
    for tool in ("curl", "wget"):
        if re.search(rf"\b{tool}\b", check):
            problems.append(f"the image's HEALTHCHECK uses {tool}, which neither runtime base image has")


def check_scale_out(compose, services):
    """docker-compose 1.29 compatibility, --scale api=N behind a load balancer, the api healthcheck."""
    if "name" in compose:
        problems.append("top-level `name:` is rejected by docker-compose 1.29")
    api = services.get("api", {})
    if api.get("ports"):
        problems.append("the api service publishes host ports: --scale api=N would clash on them (expose them to the load balancer instead)")
    if "container_name" in api:
        problems.append("the api service has a container_name: --scale api=N needs generated names")
    environment = api.get("environment", {})
    port = str(environment.get("ASPNETCORE_HTTP_PORTS", image_port)) if isinstance(environment, dict) else image_port
    test = " ".join(api.get("healthcheck", {}).get("test", []))
    if "/health/ready" not in test or f"/{port}" not in test and f":{port}" not in test:
        problems.append(f"the api service needs a healthcheck on /health/ready at port {port}")
    balancers = [n for n, s in services.items() if str(s.get("image", "")).split(":")[0] in ("haproxy", "nginx")]
    if not balancers:
        problems.append("no haproxy or nginx service in front of api (--scale api=N needs one port)")
    for name in balancers:
        service = services[name]
        if not service.get("ports"):
            problems.append(f"service {name} publishes no port")
        configs = [v.split(":")[0] for v in service.get("volumes", []) if v.startswith("./")]
        if not configs:
            problems.append(f"service {name} mounts no configuration file")
        for config in configs:
            text = open(os.path.join(root, config)).read() if os.path.isfile(os.path.join(root, config)) else ""
            if str(service.get("image")).startswith("haproxy"):
                if not re.search(r"option httpchk GET /health/ready", text):
                    problems.append(f"{config}: no `option httpchk GET /health/ready`")
                if not re.search(rf"\bapi:{port}\b", text):
                    problems.append(f"{config}: no server at api:{port}")
                check_haproxy(config)


def check_haproxy(config):
    if shutil.which("haproxy") is None:
        skipped("haproxy")
        return
    result = subprocess.run(["haproxy", "-c", "-f", os.path.join(root, config)], capture_output=True, text=True)
    warnings = [l for l in (result.stdout + result.stderr).splitlines() if "[WARNING]" in l or "[ALERT]" in l]
    if result.returncode != 0 or warnings:
        problems.append(f"haproxy -c {config}: " + "; ".join(warnings or [result.stderr.strip()]))


if yaml:
    compose = yaml.safe_load(open(os.path.join(root, "docker-compose.yml")))
    services = compose.get("services", {})
    for name, service in services.items():
        depends = service.get("depends_on", [])
        for dep in depends if isinstance(depends, list) else depends.keys():
            if dep not in services:
                problems.append(f"service {name} depends on unknown service {dep}")
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                if not os.path.exists(os.path.join(root, source)):
                    problems.append(f"service {name} mounts missing path {source}")
        build = service.get("build")
        if build:
            context = build if isinstance(build, str) else build.get("context", ".")
            if not os.path.exists(os.path.join(root, context, "Dockerfile")):
                problems.append(f"service {name} builds from a context without a Dockerfile")
    if "api" not in services or "redis" not in services:
        problems.append("compose must define the api and redis services")
    check_scale_out(compose, services)

for problem in problems:
    print("container check:", problem)
print("container checks:", "FAILED" if problems else "OK")
sys.exit(1 if problems else 0)
