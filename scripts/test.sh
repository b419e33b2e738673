#!/usr/bin/env bash
# The test command: set up (Debian packages when missing, npm ci, build), then run vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx vitest run "$@"
