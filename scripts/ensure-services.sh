#!/usr/bin/env bash
# Make sure PostgreSQL, Redis and Debian's Chromium are there and running:
# start them when installed and stopped, install them from Debian when absent.
set -euo pipefail

source "$(dirname "$0")/apt-lock.sh"

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    apt_get update -qq
    apt_updated=1
  fi
  apt_get install -y -qq "$@" >/dev/null
}

wait_for() {
  local what=$1 check=$2
  for _ in $(seq 1 30); do
    if eval "$check" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "ensure-services: $what did not come up" >&2
  return 1
}

# PostgreSQL
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "ensure-services: installing PostgreSQL from Debian" >&2
    apt_install postgresql
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for PostgreSQL "pg_isready -q -h 127.0.0.1 -p 5432"
fi
if ! psql -h 127.0.0.1 -U postgres -tAc 'select 1' >/dev/null 2>&1; then
  echo "ensure-services: PostgreSQL at 127.0.0.1:5432 does not accept user postgres without password" >&2
  exit 1
fi

# Redis
if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "ensure-services: installing Redis from Debian" >&2
    apt_install redis-server
  fi
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis "redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG"
fi

# Chromium for the browser tests
if [ ! -x /usr/bin/chromium ]; then
  echo "ensure-services: installing Chromium from Debian" >&2
  apt_install chromium
fi
