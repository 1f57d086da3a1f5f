import { type Browser, chromium, type Page } from 'playwright';
import { CHROMIUM_ARGS, ensureChromium } from '../../scripts/chromium.mjs';

/** Launches the system Chromium with the WebGPU flags, as the tests and benchmarks do. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS, headless: true });
}

/** Collects console errors/warnings and page errors; e2e tests fail on any. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}
