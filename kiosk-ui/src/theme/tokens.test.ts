import { describe, expect, it } from 'vitest';
import { contrastRatio } from './contrast.ts';
import { contrastPairs, metrics, palettes, simulatorPalette, themeCss } from './tokens.ts';

// DOMAIN.md, accessibility numbers. Text: elder >= 7:1, normal >= 4.5:1 (we aim for 7:1 there as well).
// Non-text (borders, focus ring): WCAG 1.4.11 asks 3:1.
const TEXT_MIN = { elder: 7, normal: 4.5 } as const;
const UI_MIN = 3;

describe('design tokens', () => {
  for (const mode of ['normal', 'elder'] as const) {
    describe(`${mode} mode`, () => {
      const palette = palettes[mode];
      for (const pair of contrastPairs) {
        const ratio = contrastRatio(palette[pair.fg], palette[pair.bg]);
        const min = pair.kind === 'text' ? TEXT_MIN[mode] : UI_MIN;
        it(`${pair.fg} on ${pair.bg}: ${ratio.toFixed(2)}:1 >= ${min}:1`, () => {
          expect(ratio).toBeGreaterThanOrEqual(min);
        });
      }
    });
  }

  it('normal mode text still reaches 7:1 where it matters most (body text, primary buttons)', () => {
    const p = palettes.normal;
    expect(contrastRatio(p.text, p.bg)).toBeGreaterThanOrEqual(7);
    expect(contrastRatio(p.onPrimary, p.primary)).toBeGreaterThanOrEqual(7);
  });

  it('simulator dock text is readable too', () => {
    expect(contrastRatio(simulatorPalette.text, simulatorPalette.bg)).toBeGreaterThanOrEqual(7);
    expect(contrastRatio(simulatorPalette.accent, simulatorPalette.bg)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(simulatorPalette.onControl, simulatorPalette.control)).toBeGreaterThanOrEqual(7);
    expect(contrastRatio(simulatorPalette.bg, simulatorPalette.accent)).toBeGreaterThanOrEqual(4.5);
  });

  it('sizes meet the numbers: normal 24 px / 48 px targets, elder 32 px / 64 px targets / 8 px gaps / 1.5', () => {
    expect(metrics.normal.body).toBeGreaterThanOrEqual(24);
    expect(metrics.normal.small).toBeGreaterThanOrEqual(24);
    expect(metrics.normal.target).toBeGreaterThanOrEqual(48);
    expect(metrics.elder.body).toBeGreaterThanOrEqual(32);
    expect(metrics.elder.small).toBeGreaterThanOrEqual(32);
    expect(metrics.elder.target).toBeGreaterThanOrEqual(64);
    expect(metrics.elder.gap).toBeGreaterThanOrEqual(8);
    expect(metrics.elder.lineHeight).toBeGreaterThanOrEqual(1.5);
    expect(metrics.normal.lineHeight).toBeGreaterThanOrEqual(1.5);
  });

  it('generates custom properties for both modes from the same values', () => {
    const css = themeCss();
    expect(css).toContain(`--c-text: ${palettes.normal.text};`);
    expect(css).toContain(":root[data-mode='elder']");
    expect(css).toContain(`--fs-body: ${metrics.elder.body}px;`);
    expect(css).toContain('"WenQuanYi Micro Hei", "Noto Sans CJK SC"');
  });
});
