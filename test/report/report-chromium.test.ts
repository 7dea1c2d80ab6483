/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The HTML report in a real headless Chromium (Debian's `chromium`, which .ci/run installs): the page loads
 * with no console error or page error, all four charts draw (their canvases hold non-blank pixels), the debate
 * browser lists the samples, and a screenshot is taken. The file is self-contained: every request other than
 * the page itself is refused, so a chart library fetched from the network would fail the test.
 *
 * Chromium is found at $MAFT_CHROMIUM or /usr/bin/chromium; when it is missing the suite is skipped locally
 * and fails under CI or when MAFT_CHROMIUM names it.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderReports } from '../../src/report/write-report.js';
import { exampleResults, withAnswerChanges, withFirstRoundAgreement } from './report-fixture.js';
import { testDirectory } from '../run-store/temporary-directory.js';

const executable = process.env.MAFT_CHROMIUM ?? '/usr/bin/chromium';
const present = existsSync(executable);
if (!present && (process.env.CI || process.env.MAFT_CHROMIUM))
  throw new Error(`Chromium not found at ${executable} (.ci/run installs Debian's chromium)`);

/** Launch flags for a closed network (see the env notes): no background connections, no sandbox as root. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe.skipIf(!present)('the HTML report in headless Chromium', () => {
  it('loads without errors, draws every chart and lists the debates, needing no network', async () => {
    const directory = testDirectory('report');
    const file = path.join(directory, 'report.html');
    writeFileSync(file, renderReports(exampleResults()).html);
    const browser = await chromium.launch({ executablePath: executable, args: chromiumArgs });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url === `file://${file}`) return route.continue();
        requests.push(url);
        return route.abort();
      });
      await page.goto(`file://${file}`);
      await page.waitForFunction(
        () => (window as unknown as { maftReport?: unknown }).maftReport !== undefined,
        undefined,
        { timeout: 300_000 },
      );
      const state = await page.evaluate(() => {
        const drawn = [...document.querySelectorAll('canvas')].map((canvas) => {
          const context = canvas.getContext('2d');
          if (context === null) return 0;
          const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
          let painted = 0;
          for (let index = 3; index < data.length; index += 4) if ((data[index] ?? 0) > 0) painted++;
          return painted;
        });
        return {
          drawn,
          report: (window as unknown as { maftReport: { charts: number; debates: number } }).maftReport,
          debates: document.querySelectorAll('#debates details').length,
          options: document.querySelectorAll('#society option').length,
        };
      });
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
      expect(state.report.charts).toBe(4);
      expect(state.drawn).toHaveLength(4);
      for (const painted of state.drawn) expect(painted).toBeGreaterThan(500);
      expect(state.options).toBe(2);
      expect(state.debates).toBe(3);
      // Open a debate and switch society: the browser part works, not only the first paint.
      await page.selectOption('#society', 'multiagent-ft/iteration-2/eval');
      await page.click('#debates details summary');
      expect(await page.locator('#debates details[open] .reply').count()).toBe(6);
      const screenshot = path.join(directory, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(statSync(screenshot).size).toBeGreaterThan(20_000);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('shows the answer-changes and first-round agreement tables whole at a laptop width (1200 px): no table wider than its card', async () => {
    const directory = testDirectory('report');
    const file = path.join(directory, 'report.html');
    // Four-digit counts, as the paper config's 500 held-out problems × 3 agents give.
    writeFileSync(file, renderReports(withFirstRoundAgreement(withAnswerChanges(exampleResults(), 1500), 500)).html);
    const browser = await chromium.launch({ executablePath: executable, args: chromiumArgs });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(`file://${file}`);
      const tables = await page.evaluate(() =>
        [...document.querySelectorAll('h2')]
          .filter((heading) =>
            ['Answer changes between rounds', 'First-round agreement'].includes(heading.textContent ?? ''),
          )
          .flatMap((heading) =>
            [...(heading.parentElement?.querySelectorAll('table') ?? [])].map((table) => ({
              card: heading.textContent,
              rows: table.rows.length,
              width: table.scrollWidth,
              room: (table.parentElement as HTMLElement).clientWidth,
            })),
          ),
      );
      expect(tables.map((table) => table.card)).toEqual([
        'First-round agreement',
        'Answer changes between rounds',
        'Answer changes between rounds',
      ]);
      for (const table of tables) {
        expect(table.rows).toBe(6); // the header, Debate, multiagent and single-agent FT at iterations 1 and 2
        expect(table.width).toBeLessThanOrEqual(table.room);
      }
    } finally {
      await browser.close();
    }
  });
});
