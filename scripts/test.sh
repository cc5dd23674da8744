#!/usr/bin/env bash
# Runs exactly what CI runs: lint, type-check, unit, integration and end-to-end tests, then the short
# chaos run, against a private Postgres and Redis that the test setup starts on free ports. Installs
# what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bootstrap.sh
bootstrap
ensure_chromium
ensure_promtool
ensure_faketime
ensure_mariadb
ensure_ping
mkdir -p test-artifacts
rm -f test-artifacts/vitest.json test-artifacts/chaos.json

say "lint (biome)"
"${PNPM[@]}" lint
say "type-check (tsc)"
"${PNPM[@]}" typecheck
say "tests (vitest)"
status=0
"${PNPM[@]}" exec vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json || status=$?
# The short chaos run kills processes on a schedule and measures what survives: it runs alone, after
# the others, so its figures are not those of a machine shared with 60 other test files.
say "chaos, short run (vitest test/chaos)"
CHAOS=1 "${PNPM[@]}" exec vitest run test/chaos --reporter=default --reporter=json \
  --outputFile.json=test-artifacts/chaos.json || status=$?
node -e '
  const fs = require("node:fs");
  const reports = ["vitest", "chaos"]
    .map((name) => `./test-artifacts/${name}.json`)
    .filter((file) => fs.existsSync(file))
    .map((file) => require(file));
  const sum = (key) => reports.reduce((n, r) => n + r[key], 0);
  console.log(`vitest: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed, ${sum("numPendingTests") + sum("numTodoTests")} skipped`);
' 2>/dev/null || echo "vitest: no report (the test run did not finish)"
exit "$status"
