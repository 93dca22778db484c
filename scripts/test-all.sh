#!/usr/bin/env bash
# `npm test`: type check, build, unit tests, browser tests, the scenario checks in the browser
# (`npm run check:scenarios`, one test per scenario) — every stage runs even when an
# earlier one failed — then one closing line "N passed, N failed, N skipped" (CI reads it).
# A failed type check or build counts as one failed test; the exit status is non-zero when
# anything failed or when no test ran at all.
set -uo pipefail
cd "$(dirname "$0")/.."

out=.ci-out
bin=node_modules/.bin
rm -rf "$out"
mkdir -p "$out"

failed_stages=0
stage() { printf '\n=== %s\n' "$1"; }
stage_failed() {
  echo "=== FAILED: $1"
  failed_stages=$((failed_stages + 1))
}

stage 'type check: tsc --noEmit -p .'
"$bin/tsc" --noEmit -p . || stage_failed 'type check'

stage 'build: vite build'
built=1
"$bin/vite" build || { stage_failed 'build'; built=0; }

stage 'unit tests: vitest run'
"$bin/vitest" run --reporter=default --reporter=json --outputFile="$out/vitest.json"
results=(vitest "$out/vitest.json" $?)

stage 'browser tests: playwright test'
if [ "$built" = 1 ]; then
  PLAYWRIGHT_JSON_OUTPUT_NAME="$out/playwright.json" "$bin/playwright" test --reporter=list,json
  results+=(playwright "$out/playwright.json" $?)
else
  echo 'skipped: the app did not build'
fi

stage 'scenario checks in the browser: check:scenarios'
if [ "$built" = 1 ]; then
  "$bin/tsx" e2e/check/check-scenarios.ts --no-build --json "$out/check-scenarios.json"
  results+=(check-scenarios "$out/check-scenarios.json" $?)
else
  echo 'skipped: the app did not build'
fi

echo
node scripts/test-summary.mjs "$failed_stages" "${results[@]}"
