/**
 * Looks at the screens the way a citizen would: builds the UI with the example harness compiled in, serves it,
 * and for each example takes a screenshot in Chromium, runs axe-core, and measures what the accessibility
 * numbers in DOMAIN.md ask for (text size, target size, gaps, nothing scrolled out of sight).
 *
 *   npx tsx kiosk-ui/scripts/look.ts [outDir=/tmp/ui-shots] [example ...]
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH). Exits non-zero on an axe violation or a size failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import axe from 'axe-core';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { kioskExampleNames } from '../src/kiosk/examples.ts';

const here = import.meta.dirname;
const [outArg, ...only] = process.argv.slice(2);
const outDir = resolve(outArg ?? '/tmp/ui-shots');
const distDir = join(outDir, 'dist');
mkdirSync(outDir, { recursive: true });

// `example+testid` loads the example, then taps that element (for screens that only local state reaches).
const names =
  only.length > 0
    ? only
    : [
        ...kioskExampleNames,
        'connecting',
        'notReady',
        'home+service-tile-socialSecurityCard',
        'homeBundleUnavailable+bundle-tile-newResident',
        'elderFlowContributions+table-next',
        'elderFlowEnrollmentPhone+digits-key-8',
        'elderHome+service-tile-socialSecurityCard',
        'awaitCardWithDock+sim-toggle',
      ];
const viewports = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 800 },
];

process.env.KIOSK_EXAMPLES = '1';
await build({
  configFile: join(here, '..', 'vite.config.ts'),
  logLevel: 'warn',
  build: { outDir: distDir, emptyOutDir: true },
});
const server = await preview({
  configFile: join(here, '..', 'vite.config.ts'),
  logLevel: 'warn',
  build: { outDir: distDir },
  preview: { port: 5199, strictPort: true, host: '127.0.0.1' },
});
const base = 'http://127.0.0.1:5199/';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

interface Measure {
  mode: string;
  smallestText: { px: number; text: string } | null;
  smallestTarget: { w: number; h: number; text: string } | null;
  /** Forms typed by bank staff (`.staff-only`) keep normal sizes in elder mode; measured on their own. */
  staffText: { px: number; text: string } | null;
  staffTarget: { w: number; h: number; text: string } | null;
  closestGap: { px: number; a: string; b: string } | null;
  overflow: string[];
}

/** Runs in the page: the smallest citizen-facing text and target, the closest pair of targets, overflow. */
function measure(): Measure {
  const shown = (el: Element) => !el.closest('.dock') && !el.closest('.visually-hidden');
  const staff = (el: Element) => el.closest('.staff-only') !== null;
  const citizen = (el: Element) => shown(el) && !staff(el);
  let smallestText: Measure['smallestText'] = null;
  let staffText: Measure['staffText'] = null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent?.trim() ?? '';
    if (!el || !text || !shown(el) || el.closest('svg')) continue;
    const px = Number.parseFloat(getComputedStyle(el).fontSize);
    if (staff(el)) {
      if (!staffText || px < staffText.px) staffText = { px, text: text.slice(0, 30) };
    } else if (!smallestText || px < smallestText.px) smallestText = { px, text: text.slice(0, 30) };
  }
  // Only targets a finger can reach now: not scrolled away, not under the idle panel.
  const onTop = (el: Element) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && (hit === el || el.contains(hit));
  };
  const targets = [...document.querySelectorAll('button, select, a[href], input, summary')].filter(
    (el) => shown(el) && onTop(el),
  );
  // The part of each target that can be seen: inside its scroll area and below the idle panel.
  const idleBottom = document.querySelector('.idle')?.getBoundingClientRect().bottom ?? 0;
  const visible = (el: Element) => {
    const r = el.getBoundingClientRect();
    const area = el.closest('.page, .bar, .idle')?.getBoundingClientRect() ?? r;
    const top = Math.max(r.top, area.top, el.closest('.idle') ? 0 : idleBottom);
    const bottom = Math.min(r.bottom, area.bottom);
    return { left: r.left, right: r.right, top, bottom, width: r.width, height: bottom - top };
  };
  const boxes = targets.map((el) => ({ el, r: visible(el) }));
  let smallestTarget: Measure['smallestTarget'] = null;
  let staffTarget: Measure['staffTarget'] = null;
  for (const { el } of boxes) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const current = citizen(el) ? smallestTarget : staffTarget;
    if (!current || Math.min(r.width, r.height) < Math.min(current.w, current.h)) {
      const next = {
        w: Math.round(r.width),
        h: Math.round(r.height),
        text: (el.textContent ?? '').slice(0, 30),
      };
      if (citizen(el)) smallestTarget = next;
      else staffTarget = next;
    }
  }
  let closestGap: Measure['closestGap'] = null;
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (!a || !b || a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const dx = Math.max(0, Math.max(a.r.left, b.r.left) - Math.min(a.r.right, b.r.right));
      const dy = Math.max(0, Math.max(a.r.top, b.r.top) - Math.min(a.r.bottom, b.r.bottom));
      const gap = Math.max(dx, dy);
      if (!closestGap || gap < closestGap.px) {
        closestGap = {
          px: Math.round(gap),
          a: (a.el.textContent ?? '').slice(0, 20),
          b: (b.el.textContent ?? '').slice(0, 20),
        };
      }
    }
  }
  const overflow = [...document.querySelectorAll('main, .idle, .bar, .kiosk')]
    .filter((el) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
    .map(
      (el) => `${el.className} ${el.scrollWidth}x${el.scrollHeight} > ${el.clientWidth}x${el.clientHeight}`,
    );
  return {
    mode: document.documentElement.dataset.mode ?? 'normal',
    smallestText,
    smallestTarget,
    staffText,
    staffTarget,
    closestGap,
    overflow,
  };
}

const report: Record<string, unknown> = {};
let failures = 0;
for (const viewport of viewports) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, reducedMotion: 'reduce' });
  // tsx keeps function names with a `__name` helper that does not exist inside the page.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    failures++;
    console.error(`page error: ${error.message}`);
  });
  for (const name of names) {
    const [example, tapTestId] = name.split('+');
    await page.goto(`${base}?example=${example}`);
    await page.waitForSelector('main');
    if (tapTestId) await page.click(`[data-testid="${tapTestId}"]`);
    await page.evaluate(() => document.fonts.ready);
    const file = join(outDir, `${name}-${viewport.width}x${viewport.height}.png`);
    await page.screenshot({ path: file });
    await page.addScriptTag({ content: axe.source });
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.length,
        help: v.help,
      }));
    });
    const m = await page.evaluate(measure);
    const elder = m.mode === 'elder';
    const minText = elder ? 32 : 24;
    const minTarget = elder ? 64 : 48;
    const problems: string[] = [];
    if (m.smallestText && m.smallestText.px < minText)
      problems.push(`text ${m.smallestText.px}px < ${minText}`);
    if (m.smallestTarget && Math.min(m.smallestTarget.w, m.smallestTarget.h) < minTarget) {
      problems.push(`target ${m.smallestTarget.w}x${m.smallestTarget.h} < ${minTarget}`);
    }
    if (elder && m.closestGap && m.closestGap.px < 8) problems.push(`gap ${m.closestGap.px}px < 8`);
    if (m.staffText && m.staffText.px < 24) problems.push(`staff text ${m.staffText.px}px < 24`);
    if (m.staffTarget && Math.min(m.staffTarget.w, m.staffTarget.h) < 48) {
      problems.push(`staff target ${m.staffTarget.w}x${m.staffTarget.h} < 48`);
    }
    const notes: string[] = [];
    // With the simulator dock open on a small screen the citizen column may scroll; the dock is not on real kiosks.
    if (m.overflow.length > 0)
      (name.includes('Dock') ? notes : problems).push(`scrolls: ${m.overflow.join('; ')}`);
    for (const v of violations) problems.push(`axe ${v.id} (${v.impact}, ${v.nodes}): ${v.help}`);
    failures += problems.length;
    report[`${name}@${viewport.width}`] = { ...m, violations };
    process.stdout.write(
      `${problems.length ? 'FAIL' : 'ok  '} ${name} ${viewport.width}x${viewport.height} ` +
        `text>=${m.smallestText?.px} target>=${m.smallestTarget ? Math.min(m.smallestTarget.w, m.smallestTarget.h) : '-'} ` +
        `gap>=${m.closestGap?.px ?? '-'} axe=${violations.length}` +
        [...problems, ...notes.map((n) => `(note) ${n}`)].map((p) => `\n     ${p}`).join('') +
        '\n',
    );
  }
  await context.close();
}

writeFileSync(join(outDir, 'report.json'), JSON.stringify(report, null, 2));
await browser.close();
await new Promise<void>((done) => server.httpServer.close(() => done()));
process.stdout.write(`${failures === 0 ? 'all good' : `${failures} problem(s)`}; screenshots in ${outDir}\n`);
process.exitCode = failures === 0 ? 0 : 1;

declare global {
  interface Window {
    axe: typeof axe;
  }
}
