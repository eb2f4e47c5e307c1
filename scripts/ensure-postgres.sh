#!/usr/bin/env bash
# Makes sure PostgreSQL server binaries (initdb, pg_ctl, postgres) are installed, for the tests
# that start a throwaway cluster (test/helpers/postgres-cluster.ts). Idempotent: a no-op when
# /usr/lib/postgresql/*/bin/initdb exists or ELEANOR_PG_BIN points at a bin directory with
# initdb; otherwise installs Debian's `postgresql` package with apt-get (needs root).
# The package's own cluster is not used: the tests start theirs as the `postgres` user.
set -euo pipefail

have_initdb() {
  if [[ -n "${ELEANOR_PG_BIN:-}" && -x "${ELEANOR_PG_BIN}/initdb" ]]; then return 0; fi
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

if have_initdb; then
  exit 0
fi

if [[ "$(id -u)" != "0" ]]; then
  echo "ensure-postgres: PostgreSQL server binaries are missing and installing them needs root: sudo apt-get install -y postgresql" >&2
  exit 1
fi

echo "ensure-postgres: installing postgresql with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql >/dev/null

if ! have_initdb; then
  echo "ensure-postgres: apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb was found" >&2
  exit 1
fi
id -u postgres >/dev/null 2>&1 || { echo "ensure-postgres: the postgres OS user is missing after install" >&2; exit 1; }
echo "ensure-postgres: $(ls -d /usr/lib/postgresql/*/bin | tail -n1)" >&2
