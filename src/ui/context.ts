// The page-wide state objects App.svelte creates once, shared with the components under it through Svelte's
// context rather than props: a typed getter and setter per object. A getter called outside App's tree (a
// test) throws unless the component was mounted with contextMap's map.
import { getContext, setContext } from 'svelte';
import type { CompareState } from './compare/compare.svelte';
import type { ConfigState } from './config/config-state.svelte';
import type { FindingsState } from './gallery/findings.svelte';
import type { SweepState } from './gallery/sweep.svelte';
import type { LibraryState } from './library/library.svelte';
import type { RunsState } from './library/runs.svelte';
import type { PhaseState } from './phase/phase.svelte';
import type { LabState } from './run/lab.svelte';
import type { ViewState } from './run/view.svelte';
import type { LinkState } from './share/link.svelte';
import type { ShareState } from './share/share.svelte';
import type { TrlExportState } from './share/trl-export.svelte';
import type { StorageState } from './shell/storage.svelte';
import type { StoryState } from './story/story.svelte';

/** Every page-wide state object, by name. */
export interface PageState {
  config: ConfigState;
  view: ViewState;
  runs: RunsState;
  lab: LabState;
  storage: StorageState;
  library: LibraryState;
  share: ShareState;
  trl: TrlExportState;
  link: LinkState;
  findings: FindingsState;
  compare: CompareState;
  phase: PhaseState;
  sweep: SweepState;
  story: StoryState;
}

const KEYS: { [K in keyof PageState]: symbol } = {
  config: Symbol('config'),
  view: Symbol('view'),
  runs: Symbol('runs'),
  lab: Symbol('lab'),
  storage: Symbol('storage'),
  library: Symbol('library'),
  share: Symbol('share'),
  trl: Symbol('trl'),
  link: Symbol('link'),
  findings: Symbol('findings'),
  compare: Symbol('compare'),
  phase: Symbol('phase'),
  sweep: Symbol('sweep'),
  story: Symbol('story'),
};

function get<K extends keyof PageState>(name: K): PageState[K] {
  const value = getContext<PageState[K] | undefined>(KEYS[name]);
  if (value === undefined) throw new Error(`No ${name} state in context: App.svelte sets it, contextMap in tests.`);
  return value;
}

function set<K extends keyof PageState>(name: K, value: PageState[K]): PageState[K] {
  return setContext(KEYS[name], value);
}

export const getConfig = () => get('config');
export const setConfig = (value: ConfigState) => set('config', value);
export const getView = () => get('view');
export const setView = (value: ViewState) => set('view', value);
export const getRuns = () => get('runs');
export const setRuns = (value: RunsState) => set('runs', value);
export const getLab = () => get('lab');
export const setLab = (value: LabState) => set('lab', value);
export const getStorage = () => get('storage');
export const setStorage = (value: StorageState) => set('storage', value);
export const getLibrary = () => get('library');
export const setLibrary = (value: LibraryState) => set('library', value);
export const getShare = () => get('share');
export const setShare = (value: ShareState) => set('share', value);
export const getTrl = () => get('trl');
export const setTrl = (value: TrlExportState) => set('trl', value);
export const getLink = () => get('link');
export const setLink = (value: LinkState) => set('link', value);
export const getFindings = () => get('findings');
export const setFindings = (value: FindingsState) => set('findings', value);
export const getCompare = () => get('compare');
export const setCompare = (value: CompareState) => set('compare', value);
export const getPhase = () => get('phase');
export const setPhase = (value: PhaseState) => set('phase', value);
export const getSweep = () => get('sweep');
export const setSweep = (value: SweepState) => set('sweep', value);
export const getStory = () => get('story');
export const setStory = (value: StoryState) => set('story', value);

/** The context to mount or render a component with outside App (svelte's `context` option): the given objects. */
export function contextMap(state: Partial<PageState>): Map<symbol, unknown> {
  return new Map(Object.entries(state).map(([name, value]) => [KEYS[name as keyof PageState], value]));
}
