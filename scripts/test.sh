#!/usr/bin/env bash
# Runs exactly what CI runs: lint, type-check, unit, integration and end-to-end tests, against a
# private Postgres and Redis that the test setup starts on free ports. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bootstrap.sh
bootstrap
ensure_chromium
ensure_promtool
mkdir -p test-artifacts
rm -f test-artifacts/vitest.json

say "lint (biome)"
"${PNPM[@]}" lint
say "type-check (tsc)"
"${PNPM[@]}" typecheck
say "tests (vitest)"
status=0
"${PNPM[@]}" exec vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json || status=$?
node -e '
  const r = require("./test-artifacts/vitest.json");
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' 2>/dev/null || echo "vitest: no report (the test run did not finish)"
exit "$status"
