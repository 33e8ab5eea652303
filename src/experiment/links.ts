// Which link the page was opened with: none, a config link, a result link, or a broken one (with the
// reason). The single entry point the UI calls with location.hash; never throws.
import type { RunConfig } from './run-config';
import { CONFIG_LINK_KIND, decodeConfigPayload } from './config-link';
import { parseEnvelope } from './link-codec';
import { decodeResultPayload, RESULT_LINK_KIND, type SharedResult } from './result-link';
import { errorMessage } from '../util/errors';

export type OpenedLink =
  | { kind: 'none' }
  | { kind: 'config'; config: RunConfig }
  | { kind: 'result'; result: SharedResult }
  | { kind: 'error'; error: string };

export function readLink(hash: string): OpenedLink {
  try {
    if (hash === '' || hash === '#') return { kind: 'none' };
    const env = parseEnvelope(hash);
    if (!env)
      return {
        kind: 'error',
        error: 'The link after "#" is not an RLVR Lab link (it may have been cut short when it was copied).',
      };
    if (env.kind === CONFIG_LINK_KIND) {
      const r = decodeConfigPayload(env.version, env.payload);
      return r.ok ? { kind: 'config', config: r.value } : { kind: 'error', error: r.error };
    }
    if (env.kind === RESULT_LINK_KIND) {
      const r = decodeResultPayload(env.version, env.payload);
      return r.ok ? { kind: 'result', result: r.value } : { kind: 'error', error: r.error };
    }
    return {
      kind: 'error',
      error: `The link is of a kind this lab does not know ("${env.kind}"); it may come from a newer RLVR Lab.`,
    };
  } catch (err) {
    // Belt and braces: every decoder returns errors, but a link must never take the page down.
    return { kind: 'error', error: `The link could not be read (${errorMessage(err)}).` };
  }
}
