import type { DisplayMode } from '@sik/contract';

/**
 * Design tokens for the two display modes (DOMAIN.md, accessibility numbers). This file is the one source:
 * the CSS custom properties are generated from it and the contrast test reads the same values.
 */

export interface Palette {
  /** Page background. */
  bg: string;
  /** Cards, tiles, panels. */
  surface: string;
  text: string;
  textMuted: string;
  /** Borders of controls and tiles (non-text, needs 3:1). */
  border: string;
  primary: string;
  onPrimary: string;
  secondary: string;
  onSecondary: string;
  /** Focus ring (non-text). */
  focus: string;
  warnBg: string;
  warnText: string;
  warnBorder: string;
  dangerBg: string;
  dangerText: string;
  unavailableBg: string;
  unavailableText: string;
  /** The bar at the bottom of every screen. */
  barBg: string;
  onBar: string;
}

export interface Metrics {
  /** Body text, px. */
  body: number;
  /** Smallest text a citizen sees (English subtitles, hints), px. */
  small: number;
  /** Screen question. */
  h1: number;
  /** Welcome headline on the attract screen. */
  hero: number;
  tileTitle: number;
  lineHeight: number;
  /** Minimum width and height of anything that can be tapped, px. */
  target: number;
  /** Minimum gap between tap targets, px. */
  gap: number;
  radius: number;
  /** Border width of controls, px. */
  stroke: number;
}

export const palettes: Readonly<Record<DisplayMode, Palette>> = {
  normal: {
    bg: '#F3F6FA',
    surface: '#FFFFFF',
    text: '#14202E',
    textMuted: '#3B4858',
    border: '#5A6878',
    primary: '#0A4F9C',
    onPrimary: '#FFFFFF',
    secondary: '#E3ECF7',
    onSecondary: '#0A3D78',
    focus: '#9A3412',
    warnBg: '#FFF3CD',
    warnText: '#3A2A00',
    warnBorder: '#8A5A00',
    dangerBg: '#FDECEC',
    dangerText: '#8A1C1C',
    unavailableBg: '#EEF1F4',
    unavailableText: '#3B4858',
    barBg: '#14202E',
    onBar: '#FFFFFF',
  },
  elder: {
    bg: '#FFFCF2',
    surface: '#FFFFFF',
    text: '#000000',
    textMuted: '#2A2A2A',
    border: '#1F1F1F',
    primary: '#00336B',
    onPrimary: '#FFFFFF',
    secondary: '#FFF0C2',
    onSecondary: '#000000',
    focus: '#B3261E',
    warnBg: '#FFE08A',
    warnText: '#000000',
    warnBorder: '#000000',
    dangerBg: '#FFE3E3',
    dangerText: '#6E0000',
    unavailableBg: '#E6E6E6',
    unavailableText: '#1F1F1F',
    barBg: '#000000',
    onBar: '#FFFFFF',
  },
};

export const metrics: Readonly<Record<DisplayMode, Metrics>> = {
  normal: {
    body: 26,
    small: 24,
    h1: 44,
    hero: 72,
    tileTitle: 34,
    lineHeight: 1.5,
    target: 56,
    gap: 16,
    radius: 12,
    stroke: 2,
  },
  elder: {
    body: 34,
    small: 32,
    h1: 52,
    hero: 84,
    tileTitle: 38,
    lineHeight: 1.6,
    target: 72,
    gap: 20,
    radius: 14,
    stroke: 3,
  },
};

/** The simulator dock is for testers, not citizens: one fixed dark scheme in both modes, marked as different. */
export const simulatorPalette = {
  bg: '#1E1E1E',
  text: '#F5F5F5',
  accent: '#FFC400',
  control: '#FFFFFF',
  onControl: '#1E1E1E',
} as const;

export const fontStack =
  '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';

/** Every foreground / background pair the stylesheet actually uses; `kind` picks the WCAG threshold. */
export const contrastPairs: ReadonlyArray<{ fg: keyof Palette; bg: keyof Palette; kind: 'text' | 'ui' }> = [
  { fg: 'text', bg: 'bg', kind: 'text' },
  { fg: 'text', bg: 'surface', kind: 'text' },
  { fg: 'textMuted', bg: 'bg', kind: 'text' },
  { fg: 'textMuted', bg: 'surface', kind: 'text' },
  { fg: 'onPrimary', bg: 'primary', kind: 'text' },
  { fg: 'primary', bg: 'surface', kind: 'text' },
  { fg: 'primary', bg: 'bg', kind: 'text' },
  { fg: 'onSecondary', bg: 'secondary', kind: 'text' },
  { fg: 'warnText', bg: 'warnBg', kind: 'text' },
  { fg: 'dangerText', bg: 'dangerBg', kind: 'text' },
  { fg: 'dangerText', bg: 'surface', kind: 'text' },
  { fg: 'unavailableText', bg: 'unavailableBg', kind: 'text' },
  { fg: 'onBar', bg: 'barBg', kind: 'text' },
  { fg: 'border', bg: 'bg', kind: 'ui' },
  { fg: 'border', bg: 'surface', kind: 'ui' },
  { fg: 'warnBorder', bg: 'warnBg', kind: 'ui' },
  { fg: 'focus', bg: 'bg', kind: 'ui' },
  { fg: 'focus', bg: 'surface', kind: 'ui' },
];

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function sizeLines(m: Metrics): string[] {
  return [
    `  --fs-body: ${m.body}px;`,
    `  --fs-small: ${m.small}px;`,
    `  --fs-h1: ${m.h1}px;`,
    `  --fs-hero: ${m.hero}px;`,
    `  --fs-tile: ${m.tileTitle}px;`,
    `  --lh: ${m.lineHeight};`,
    `  --target: ${m.target}px;`,
    `  --gap: ${m.gap}px;`,
    `  --radius: ${m.radius}px;`,
    `  --stroke: ${m.stroke}px;`,
  ];
}

function modeBlock(mode: DisplayMode): string {
  const colours = Object.entries(palettes[mode]).map(([k, v]) => `  --c-${kebab(k)}: ${v};`);
  return [...colours, ...sizeLines(metrics[mode])].join('\n');
}

/** The custom properties: normal on :root, elder under html[data-mode="elder"]. */
export function themeCss(): string {
  const sim = Object.entries(simulatorPalette).map(([k, v]) => `  --sim-${kebab(k)}: ${v};`);
  return [
    `:root {\n  --font: ${fontStack};\n${modeBlock('normal')}\n${sim.join('\n')}\n}`,
    `:root[data-mode='elder'] {\n${modeBlock('elder')}\n}`,
    // Forms typed by bank staff (not the citizen) keep the normal sizes in elder mode, so they still fit.
    `:root[data-mode='elder'] .staff-only {\n${sizeLines(metrics.normal).join('\n')}\n}`,
  ].join('\n');
}

/** Puts the generated custom properties into the page once (before the first render). */
export function installTheme(doc: Document = document): void {
  if (doc.getElementById('sik-theme-tokens')) return;
  const style = doc.createElement('style');
  style.id = 'sik-theme-tokens';
  style.textContent = themeCss();
  doc.head.prepend(style);
}
