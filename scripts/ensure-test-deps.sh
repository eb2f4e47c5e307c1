#!/usr/bin/env bash
# Installs the system packages the test suite needs when they are missing: PostgreSQL (the
# store and replica tests start a throwaway cluster) and Chromium (the dashboard's browser
# tests). Idempotent; a no-op on a machine that has both. Needs root for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-postgres.sh

if ! command -v chromium >/dev/null 2>&1; then
  echo "ensure-test-deps: installing chromium" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
