// Classroom mode: a link can hide chosen parts of the lab (`?classroom=model,rl,share`), so students see
// the run and its charts and not every knob. Only a view setting: nothing is locked, and the page says
// what is hidden. Pure parsing and link building; the components ask `hides(part)`.

export const CLASSROOM_PARTS = {
  settings: 'the whole Experiment panel',
  data: 'task and data settings',
  model: 'model size',
  cpt: 'continual pre-training settings',
  sft: 'SFT settings',
  rl: 'RL (GRPO) settings',
  run: 'seed and backend',
  examples: 'the task examples',
  gallery: 'the preset gallery',
  library: 'the run list',
  compare: 'compare and predictor views',
  fork: 'fork from a checkpoint',
  share: 'share links',
} as const;

export type ClassroomPart = keyof typeof CLASSROOM_PARTS;
export const PART_NAMES = Object.keys(CLASSROOM_PARTS) as ClassroomPart[];

/** `?classroom` with no list hides every knob but the data settings: the students pick nothing else. */
export const DEFAULT_HIDDEN: readonly ClassroomPart[] = ['model', 'cpt', 'sft', 'rl', 'run', 'fork', 'share'];

const isPart = (s: string): s is ClassroomPart => Object.hasOwn(CLASSROOM_PARTS, s);

export interface Classroom {
  /** Parts hidden, in CLASSROOM_PARTS order; empty when the page is not in classroom mode. */
  hidden: ClassroomPart[];
  /** Names in the link that are not parts (ignored, and said so). */
  unknown: string[];
}

/** Read classroom mode from a page query (location.search). */
export function parseClassroom(search: string): Classroom {
  const value = new URLSearchParams(search).get('classroom');
  if (value === null) return { hidden: [], unknown: [] };
  const names = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (names.length === 0) return { hidden: [...DEFAULT_HIDDEN], unknown: [] };
  const unknown = [...new Set(names.filter((n) => !isPart(n)))].slice(0, 10).map((n) => n.slice(0, 40));
  return { hidden: PART_NAMES.filter((p) => names.includes(p)), unknown };
}

/** `search` with classroom mode set to hide `parts` (removed when none), other parameters kept. */
export function classroomSearch(search: string, parts: readonly ClassroomPart[]): string {
  const params = new URLSearchParams(search);
  params.delete('classroom');
  const list = PART_NAMES.filter((p) => parts.includes(p));
  if (list.length > 0) params.set('classroom', list.join(','));
  const text = params.toString().replaceAll('%2C', ',');
  return text === '' ? '' : `?${text}`;
}
