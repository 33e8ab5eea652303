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
