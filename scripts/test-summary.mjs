// Combines the test reports of scripts/test-all.sh into its closing line.
// usage: node scripts/test-summary.mjs FAILED_STAGES [RUNNER REPORT_JSON EXIT_STATUS]...
// RUNNER is vitest, playwright or check-scenarios (e2e/check/check-scenarios.ts --json). A
// report that is missing or unreadable, a runner that exited non-zero without reporting a
// failed test (a crash, an unhandled error, a web server that did not start), and a run in
// which no test passed or failed each count as one failed test, so the line can never read as
// success when the tests did not really run.
import { readFileSync } from 'node:fs';

/** Counts from Vitest's JSON reporter (Jest's format). A file that failed to load has no tests. */
function vitestCounts(report) {
  const brokenFiles = report.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed'),
  ).length;
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenFiles,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

/**
 * Counts from Playwright's JSON reporter; top-level errors are failures outside any test. CI
 * retries a failed browser test once: one that passed on its retry counts as passed, and is
 * named here so that a flaky test does not pass unseen.
 */
function playwrightCounts(report) {
  const { expected, unexpected, flaky, skipped } = report.stats;
  for (const spec of flakySpecs(report.suites ?? [])) console.log(`playwright: flaky (failed, then passed on its retry): ${spec.file}:${spec.line} ${spec.title}`);
  return { passed: expected + flaky, failed: unexpected + report.errors.length, skipped };
}

function flakySpecs(suites) {
  return suites.flatMap((suite) => [...(suite.specs ?? []).filter((spec) => spec.tests.some((t) => t.status === 'flaky')), ...flakySpecs(suite.suites ?? [])]);
}

/** Counts from check:scenarios' JSON: one test per scenario. */
function checkScenariosCounts(report) {
  return { passed: report.passed, failed: report.failed, skipped: report.skipped };
}

const COUNTERS = { vitest: vitestCounts, playwright: playwrightCounts, 'check-scenarios': checkScenariosCounts };

const [failedStages, ...runs] = process.argv.slice(2);
const total = { passed: 0, failed: Number(failedStages), skipped: 0 };

for (let i = 0; i < runs.length; i += 3) {
  const [runner, path, exitStatus] = runs.slice(i, i + 3);
  let counts;
  try {
    counts = COUNTERS[runner](JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    console.log(`${runner}: no usable report at ${path} (${err.message}): counted as 1 failed`);
    counts = { passed: 0, failed: 1, skipped: 0 };
  }
  if (exitStatus !== '0' && counts.failed === 0) {
    console.log(`${runner}: exited ${exitStatus} without a failed test: counted as 1 failed`);
    counts.failed = 1;
  }
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
}

if (total.passed === 0 && total.failed === 0) {
  console.log('no test ran: counted as 1 failed');
  total.failed = 1;
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exitCode = total.failed > 0 ? 1 : 0;
