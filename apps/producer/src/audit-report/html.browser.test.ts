// The HTML report in a real headless Chromium (Debian's package; see testing/chromium.ts for how it is found or
// fetched): the table's rows and the chart are there, a click on a heading sorts the table both ways, and
// opening the file fetches nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from './html.js';
import { generatedReport } from './testing/fixtures.js';
import { HeadlessPage, obtainChromium } from './testing/chromium.js';

const browser = obtainChromium();
if ('reason' in browser) console.warn(`audit report browser test skipped: ${browser.reason}`);

describe.skipIf('reason' in browser)('the HTML report in headless Chromium', () => {
  const report = generatedReport(25);
  let dir: string;
  let page: HeadlessPage;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-report-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(report));
    page = await HeadlessPage.open(browser as Exclude<typeof browser, { reason: string }>);
    await page.goto(pathToFileURL(file).href);
  }, 120_000);
  afterAll(async () => {
    await page?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows one table row per event, and the chart with its bars', async () => {
    expect(await page.evaluate<number>(`document.querySelectorAll('#events tbody tr').length`)).toBe(25);
    const chart = await page.evaluate<{
      bars: number;
      counted: number;
      width: number;
      height: number;
    }>(`(() => {
      const svg = document.querySelector('#time-to-removal-chart');
      const box = svg.getBoundingClientRect();
      const bars = [...svg.querySelectorAll('g.bar')];
      return { bars: bars.length, counted: bars.reduce((n, b) => n + Number(b.dataset.count), 0), width: box.width, height: box.height };
    })()`);
    expect(chart.bars).toBeGreaterThan(3);
    expect(chart.counted).toBe(report.summary.time_to_removal.count);
    expect(chart.width).toBeGreaterThan(100);
    expect(chart.height).toBeGreaterThan(100);
    // Drawn, not only present: the tallest bar has a height on screen.
    expect(
      await page.evaluate<number>(
        `Math.max(...[...document.querySelectorAll('#time-to-removal-chart rect')].map((r) => r.getBoundingClientRect().height))`,
      ),
    ).toBeGreaterThan(50);
  });

  it('sorts the table by a column on a click, and reverses on a second click', async () => {
    const column = (i: number) =>
      `[...document.querySelectorAll('#events tbody tr')].map((r) => r.cells[${i}].dataset.sort === undefined ? r.cells[${i}].textContent.trim() : r.cells[${i}].dataset.sort)`;
    const removal = 6; // "Time to removal", sorted by milliseconds
    await page.click('#events thead th:nth-child(7) button');
    const up = (await page.evaluate<string[]>(column(removal))).map(Number);
    expect(up).toEqual([...up].sort((a, b) => a - b));
    expect(up[0]).toBeLessThan(up.at(-1)!);
    expect(
      await page.evaluate<string>(
        `document.querySelector('#events thead th:nth-child(7)').getAttribute('aria-sort')`,
      ),
    ).toBe('ascending');
    await page.click('#events thead th:nth-child(7) button');
    const down = (await page.evaluate<string[]>(column(removal))).map(Number);
    expect(down).toEqual([...up].reverse());
    await page.click('#events thead th:nth-child(1) button');
    const people = await page.evaluate<string[]>(column(0));
    expect(people).toEqual(
      [...people].sort((a, b) =>
        a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0,
      ),
    );
    expect(await page.evaluate<number>(`document.querySelectorAll('#events tbody tr').length`)).toBe(25);
  });

  it('fetched nothing but the file itself', () => {
    expect(page.requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  });
});
