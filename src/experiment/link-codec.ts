// The envelope of every shareable link: `#<kind><version>.<payload>`, where the payload is JSON,
// deflated and base64url-encoded. Decoding is size-limited at each stage and never throws: a bad link
// is a message. Data only: nothing from a link is ever evaluated. Not here: what a payload holds.
import { deflateSync, inflateSync } from 'fflate';

export type LinkResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Longest link payload read (characters after '#'); result links aim for about 8 KB. */
export const MAX_LINK_CHARS = 32_768;
/** Largest inflated JSON read: a payload 1000 times its size is a deflate bomb, not a link. */
export const MAX_LINK_JSON_BYTES = 512 * 1024;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

/** RFC 4648 base64url, no padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

/** Inverse of toBase64Url; null for a character outside the alphabet or an impossible length. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (const c of text) {
    const v = INDEX.get(c);
    if (v === undefined) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** `#<kind><version>.<payload>` for a JSON value. */
export function packLink(kind: string, version: number, value: unknown): string {
  const json = new TextEncoder().encode(JSON.stringify(value));
  return `${kind}${version}.${toBase64Url(deflateSync(json, { level: 9 }))}`;
}

export interface LinkEnvelope {
  kind: string;
  version: number;
  payload: string;
}

/** Split a location hash (with or without '#') into kind, version and payload; null when it is not a link. */
export function parseEnvelope(hash: string): LinkEnvelope | null {
  const m = /^#?([a-z])(\d{1,4})\.(.*)$/s.exec(hash.slice(0, MAX_LINK_CHARS + 16));
  return m ? { kind: m[1]!, version: Number(m[2]), payload: m[3]! } : null;
}

/** The JSON value of a payload: base64url, then inflate into a bounded buffer, then JSON.parse. */
export function unpackPayload(payload: string, what: string): LinkResult<unknown> {
  if (payload.length > MAX_LINK_CHARS)
    return { ok: false, error: `The ${what} is too long (${payload.length} characters; at most ${MAX_LINK_CHARS}).` };
  const bytes = fromBase64Url(payload);
  if (!bytes || bytes.length === 0)
    return { ok: false, error: `The ${what} is damaged: it has characters a link cannot hold, or was cut short.` };
  let json: Uint8Array;
  try {
    // A fixed output buffer: inflating never writes past it, so a deflate bomb costs no memory.
    json = inflateSync(bytes, { out: new Uint8Array(MAX_LINK_JSON_BYTES + 1) });
  } catch {
    return { ok: false, error: `The ${what} is damaged or was cut short (it does not decompress).` };
  }
  if (json.length > MAX_LINK_JSON_BYTES)
    return {
      ok: false,
      error: `The ${what} unpacks to more than ${MAX_LINK_JSON_BYTES / 1024} KB; it is not a link this lab made.`,
    };
  try {
    return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json)) };
  } catch {
    return { ok: false, error: `The ${what} is damaged or was cut short (its data is not valid JSON).` };
  }
}
