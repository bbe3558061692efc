#!/usr/bin/env python3
"""Static checks of the Dockerfile and docker-compose.yml, for machines without a Docker engine.

Checks that every COPY source exists in the build context and is not excluded by .dockerignore,
that build stages and ARGs used are declared, and (when PyYAML is present) that the compose file
parses, its services reference each other correctly and its bind-mounted files exist.
"""
import fnmatch
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
problems = []

ignore = [l.strip() for l in open(os.path.join(root, ".dockerignore")) if l.strip() and not l.startswith("#")]


def ignored(path):
    return any(fnmatch.fnmatch(path, p.rstrip("/")) or fnmatch.fnmatch(path + "/", p) or path.startswith(p.lstrip("*/")) for p in ignore)


lines = open(os.path.join(root, "Dockerfile")).read().replace("\\\n", " ").splitlines()
stages, args = set(), set()
for line in lines:
    words = line.split()
    if not words or words[0].startswith("#"):
        continue
    op = words[0].upper()
    if op == "ARG":
        args.add(words[1].split("=")[0])
    elif op == "FROM":
        image = words[1]
        for used in re.findall(r"\$\{?(\w+)\}?", image):
            if used not in args:
                problems.append(f"FROM uses undeclared ARG {used}")
        if len(words) >= 4 and words[2].upper() == "AS":
            stages.add(words[3])
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

try:
    import yaml
except ImportError:
    yaml = None
    print("PyYAML not installed: docker-compose.yml parse check skipped")

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

for problem in problems:
    print("container check:", problem)
print("container checks:", "FAILED" if problems else "OK")
sys.exit(1 if problems else 0)
