#!/usr/bin/env bash
# Installs with apt-get the Debian packages that are missing, in one apt-get call. Each argument is a package
# (present when a command of that name exists) or PACKAGE=CHECK, a shell command that succeeds when it is there:
#   bash scripts/install-missing.sh redis-server haproxy jq "python3-yaml=python3 -c 'import yaml'"
set -euo pipefail
missing=()
for spec in "$@"; do
  package=${spec%%=*}
  check=${spec#*=}
  [ "$check" != "$spec" ] || check="command -v $package"
  eval "$check" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -gt 0 ] || exit 0
echo "installing ${missing[*]} with apt-get"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
