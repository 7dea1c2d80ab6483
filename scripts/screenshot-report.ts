/**
 * Screenshot an HTML report in headless Chromium (how docs/report-example.png is made):
 *   npx tsx scripts/screenshot-report.ts <report.html> <out.png> [width]
 */
import path from 'node:path';
import { chromium } from 'playwright-core';

const [input, output, width = '1200'] = process.argv.slice(2);
if (input === undefined || output === undefined) {
  process.stderr.write('usage: screenshot-report.ts <report.html> <out.png> [width]\n');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.MAFT_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
  await page.goto(`file://${path.resolve(input)}`);
  await page.waitForFunction(() => (window as unknown as { maftReport?: unknown }).maftReport !== undefined);
  await page.click('#debates details summary').catch(() => undefined);
  await page.screenshot({ path: output, fullPage: true });
} finally {
  await browser.close();
}
