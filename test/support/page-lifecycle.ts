/**
 * Browser command (runs in Node, registered in vitest.config.ts): freezes the test page through
 * the Chrome DevTools Protocol and resumes it after `ms`, as Chromium does to background tabs.
 * The page cannot do this itself: once frozen, none of its code runs to thaw it. Resolves false
 * where the engine has no CDP (Firefox, WebKit).
 */
import type { Page } from 'playwright';
import type { BrowserCommand } from 'vitest/node';

export const freezePage: BrowserCommand<[ms: number]> = async (ctx, ms) => {
  if (ctx.provider.name !== 'playwright' || ctx.project.config.browser.name !== 'chromium')
    return false;
  const page = (ctx as unknown as { page: Page }).page;
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Page.enable');
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    await new Promise((resolve) => setTimeout(resolve, ms));
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    return true;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
};
