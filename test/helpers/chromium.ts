/**
 * A page opened in Debian's Chromium (headless, driven by playwright-core), with the flags this machine's closed
 * network needs, collecting console errors and every request the page makes.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** URLs the page asked for. */
  requests: string[];
  close(): Promise<void>;
}

/** Playwright gives each launch a new, empty profile directory of its own and removes it on close. */
export async function openInChromium(url: string, viewport = { width: 1200, height: 900 }): Promise<OpenedPage> {
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  try {
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url);
    return { page, errors, requests, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
