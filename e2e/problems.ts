/** Every browser test fails on a page error or a console error or warning (normal use has none). */
import { expect, type Page, type test as base } from '@playwright/test';

export function failOnConsoleProblems(test: typeof base): void {
  let problems: string[] = [];
  test.beforeEach(async ({ page }: { page: Page }) => {
    problems = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text());
    });
  });
  test.afterEach(() => {
    expect(problems).toEqual([]);
  });
}
