#!/usr/bin/env bash
# The test command: set up (packages, npm ci, build), start a real Redis on a free loopback port, run vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

port=${WE_TEST_REDIS_PORT:-6390}
redis_dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$redis_dir" --daemonize yes \
  --pidfile "$redis_dir/redis.pid" >/dev/null
trap 'kill "$(cat "$redis_dir/redis.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$redis_dir"' EXIT
export WE_TEST_REDIS_URL="redis://127.0.0.1:$port"

npx vitest run "$@"
