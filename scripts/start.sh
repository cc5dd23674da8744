#!/usr/bin/env bash
# Starts the whole platform locally: Postgres, Redis, migrations, API, scheduler, worker(s),
# verifier and dashboard. Installs what it needs first. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bootstrap.sh
bootstrap
say "starting SentinelMesh"
exec node --import tsx scripts/stack/main.ts
