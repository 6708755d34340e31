#!/usr/bin/env bash
# Installs what the front-end tests need, from the package registries only: Node.js and npm and
# Chromium from Debian's packages when they are missing, then clients/ from package-lock.json.
set -euo pipefail
cd "$(dirname "$0")"
need=()
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "clients: apt-get install ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "clients: node $(node --version), npm $(npm --version), $("${CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null || echo 'no chromium')"
npm ci --no-audit --no-fund --loglevel=error
