// Chart colours: the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies),
// paired with dash patterns so series stay apart in greyscale too. Colours only; no chart code.
export const OKABE_ITO = {
  orange: '#E69F00',
  sky: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  black: '#000000',
} as const;

export const DASH = {
  solid: [] as number[],
  dashed: [8, 4],
  dotted: [2, 4],
  dashDot: [8, 3, 2, 3],
  long: [14, 4],
};

/** Axis text and grid lines on the light and the dark theme (app.css's --bg): readable, grid faint. */
export const CHART_INK = {
  light: { axis: '#444444', grid: '#0000001a' },
  dark: { axis: '#c4cad1', grid: '#ffffff21' },
} as const;

/**
 * The colours drawn instead on the dark theme, where the light theme's have under 3:1 contrast with its
 * background (WCAG's minimum for graphics): black lines and the grey stage markers. Every other
 * Okabe-Ito colour keeps at least 3.4:1 on #15181c, so the series keep their hues in both themes.
 */
const ON_DARK: Readonly<Record<string, string>> = { '#000000': '#e6e6e6', '#5b6470': '#a3acb8' };

/** `color` as drawn on the current scheme. */
export function onScheme(color: string, dark: boolean): string {
  return dark ? (ON_DARK[color.toLowerCase()] ?? color) : color;
}
