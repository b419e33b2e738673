/**
 * `we report` loaded in headless Chromium (Debian's, driven by playwright-core) from a file, with the network
 * unused: every figure renders with marks, hovering a heat-map cell shows its values, the wheel zooms, nothing
 * is fetched and nothing logs an error; the summary and we.yaml are on the page. A screenshot of each report is
 * kept in the test's temporary folder (its path is printed) for a person to look at.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, we } from './helpers/cli.js';
import { openInChromium, type OpenedPage } from './helpers/chromium.js';
import { tempDir } from './helpers/temp-dir.js';
import { westpaLayoutRun } from './helpers/westpa-layout.js';

type MarkCounts = Record<string, Record<string, number>>;

/** Per figure, the scene's items by mark type, as the page's vega views hold them. */
function markCounts(opened: OpenedPage): Promise<MarkCounts> {
  return opened.page.evaluate(() => {
    type Node = { marktype?: string; items?: Node[] };
    const count = (node: Node, acc: Record<string, number>) => {
      if (node.marktype && node.items) acc[node.marktype] = (acc[node.marktype] ?? 0) + node.items.length;
      for (const item of node.items ?? []) count(item, acc);
      return acc;
    };
    const views = (window as unknown as { weReport: { views: Record<string, { scenegraph(): { root: Node } }> } }).weReport.views;
    return Object.fromEntries(Object.entries(views).map(([name, view]) => [name, count(view.scenegraph().root, {})]));
  });
}

async function openReport(file: string): Promise<OpenedPage> {
  const opened = await openInChromium(pathToFileURL(file).href);
  await opened.page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.figure')].every((el) => el.dataset.rendered), null, { timeout: 90_000 });
  return opened;
}

describe('we report', () => {
  it("renders a WESTPA run's report in Chromium: summary, every figure with marks, tooltips, zoom, no network", async () => {
    const dir = await westpaLayoutRun({ iterations: 20 });
    const made = await we(['report', '--tau', '10ps'], dir);
    expect(made.exitCode, made.all).toBe(0);
    expect(made.stdout).toContain('wrote report.html: 4 figures (evolution-dim0, flux, walkers, timing)');
    const file = join(dir, 'report.html');
    // nothing to load from elsewhere: every script is inline (the requests below check it in the browser)
    expect(/<script[^>]+src=|<link[^>]+href=/.test(readFileSync(file, 'utf8'))).toBe(false);

    const opened = await openReport(file);
    try {
      const { page } = opened;
      const rendered = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.figure')].map((el) => `${el.id}:${el.dataset.rendered}`));
      expect(rendered).toEqual(['figure-evolution-dim0:true', 'figure-flux:true', 'figure-walkers:true', 'figure-timing:true']);
      const marks = await markCounts(opened);
      expect(marks['evolution-dim0'].rect).toBeGreaterThan(200);
      expect(marks.flux.line).toBeGreaterThan(0);
      expect(marks.flux.area).toBeGreaterThan(0);
      expect(marks.walkers.symbol).toBeGreaterThanOrEqual(40);
      expect(marks.timing.line).toBeGreaterThan(0);
      expect(await page.locator('.figure svg.marks').count()).toBe(4);

      // the summary: the rate with its interval, per τ and per second, and the window check; we.yaml as written
      const text = await page.locator('body').innerText();
      expect(text).toMatch(/rate \(mean flux, 95% interval\)\s+\d\.\d{3}e-\d+ per τ, interval \[/);
      expect(text).toMatch(/rate per second\s+\d\.\d{3}e\+\d+ \/s/);
      expect(text).toMatch(/window check\s+(steady|still rising|falling|cannot tell)/);
      expect(text).toMatch(/complete iterations\s+20 \(drawn: 1 to 20\)/);
      expect(text).toContain(readFileSync(join(dir, 'we.yaml'), 'utf8').split('\n')[2]);

      // hovering a cell of the heat map shows its iteration and −ln P
      await page.locator('#figure-evolution-dim0').scrollIntoViewIfNeeded();
      const cell = await page.evaluate(() => {
        type Item = { x: number; y: number; width: number; height: number; datum?: { iteration?: number } };
        const view = (window as unknown as { weReport: { views: Record<string, { scenegraph(): { root: { items: unknown[] } }; origin(): [number, number] }> } }).weReport.views['evolution-dim0'];
        const find = (node: { marktype?: string; items?: unknown[] }): Item | undefined => {
          if (node.marktype === 'rect' && node.items?.length) return node.items[Math.floor(node.items.length / 2)] as Item;
          for (const item of node.items ?? []) {
            const found = find(item as { items?: unknown[] });
            if (found) return found;
          }
          return undefined;
        };
        const item = find(view.scenegraph().root as { items: unknown[] })!;
        const frame = document.querySelector('#figure-evolution-dim0 svg.marks')!.getBoundingClientRect();
        const [ox, oy] = view.origin();
        // the heat map sits in the frame's group, offset by the chart's padding
        return { x: frame.left + ox + item.x + item.width / 2, y: frame.top + oy + item.y + item.height / 2, iteration: item.datum?.iteration };
      });
      await page.mouse.move(cell.x - 5, cell.y);
      await page.mouse.move(cell.x, cell.y, { steps: 3 });
      const tooltip = page.locator('#vg-tooltip-element');
      await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
      const tip = await tooltip.innerText();
      expect(tip).toMatch(new RegExp(`^iteration\\s+${cell.iteration}\\s`));
      expect(tip).toMatch(/−ln P \(kT\)\s+\d+\.\d{3}/);

      // the wheel zooms: the iteration axis shows fewer iterations afterwards
      const domain = () =>
        page.evaluate(() => {
          const view = (window as unknown as { weReport: { views: Record<string, { signal(name: string): unknown }> } }).weReport.views['evolution-dim0'];
          return view.signal('evolution_zoom_iter_lo') as number[] | null;
        });
      await page.mouse.wheel(0, -400);
      await page.waitForTimeout(300);
      const zoomed = await domain();
      expect(zoomed).not.toBeNull();
      expect(zoomed![1] - zoomed![0]).toBeLessThan(20);

      const shot = join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`report screenshot: ${shot}`);
      expect(opened.errors).toEqual([]);
      expect(opened.requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  it('renders the report of a 2-D run, with the distribution over both dimensions', async () => {
    const dir = tempDir('latent-walk-report');
    cpSync(join(repoRoot, 'test/fixtures/latent-walk'), dir, { recursive: true });
    expect((await we(['init'], dir)).exitCode).toBe(0);
    expect((await we(['run', '--max-iter', '5'], dir)).exitCode).toBe(0);
    const made = await we(['report', '-o', 'latent.html', '--figures', 'distribution,walkers'], dir);
    expect(made.exitCode, made.all).toBe(0);
    const opened = await openReport(join(dir, 'latent.html'));
    try {
      const marks = await markCounts(opened);
      expect(Object.keys(marks).sort()).toEqual(['distribution-dim0-dim1', 'walkers']);
      expect(marks['distribution-dim0-dim1'].rect).toBeGreaterThan(10);
      expect(marks['distribution-dim0-dim1'].symbol).toBeGreaterThanOrEqual(2);
      const shot = join(dir, 'latent.png');
      await opened.page.screenshot({ path: shot, fullPage: true });
      console.log(`report screenshot: ${shot}`);
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});
