/**
 * `pnpm --filter @patchbay/example-softphone screenshots`: photographs the page in Chromium at
 * phone width and on a desktop, idle, ringing and in a call (keypad used), into
 * `docs/images/softphone-<state>-<size>.png` at the repository root.
 */
import { fileURLToPath } from 'node:url';
import { appRequest, openPhone, promptHeard } from './drive.js';

const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1180, height: 820 } };
const images = fileURLToPath(new URL('../../../docs/images/', import.meta.url));

for (const [size, viewport] of Object.entries(SIZES)) {
  const { phone, page, close } = await openPhone({ viewport });
  try {
    const shot = (state: string) =>
      page.screenshot({ path: `${images}softphone-${state}-${size}.png`, animations: 'disabled' });
    if (await page.locator('#allow-devices').isVisible()) await page.click('#allow-devices');
    await page.mouse.move(0, 0);
    await shot('idle');
    await phone.ring('+15550109999');
    await page.locator('#incoming').waitFor();
    await shot('incoming');
    const screened = appRequest(phone, '/screened');
    await page.click('#accept');
    await promptHeard(phone);
    await page.click('[data-digit="1"]');
    await screened;
    for (const digit of '42#') await page.click(`[data-digit="${digit}"]`);
    await page.locator('#timer', { hasText: '0:02' }).waitFor();
    await page.mouse.move(0, 0);
    await shot('in-call');
    await page.click('#hangup');
    console.log(`softphone-*-${size}.png written`);
  } finally {
    await close();
  }
}
