#!/usr/bin/env bash
# Debian packages the setup needs: mysqlclient builds from source against
# libmariadb, the browser tests drive Debian's chromium, and the serving tests put
# Debian's nginx before gunicorn (deploy/nginx.conf).
set -euo pipefail
need=()
dpkg -s libmariadb-dev >/dev/null 2>&1 || need+=(libmariadb-dev)
dpkg -s pkg-config >/dev/null 2>&1 || need+=(pkg-config)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
