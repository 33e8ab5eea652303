// Hand-made zips for the import tests, as a forger makes them: entries deflated by Node's zlib (a gigabyte
// of zeros in seconds) under any declared size, and an edit of an entry's declared size in a real zip.
// Test code only: the lab's own zips come from fflate (store/archive.ts).
import { crc32, deflateRawSync } from 'node:zlib';
import { strToU8 } from 'fflate';

export interface RawEntry {
  name: string;
  data: Uint8Array;
  /** The unpacked size the headers declare (the true size unless forged). */
  size?: number;
}

/** A zip of `entries`, each deflated at level 9, with the true CRC and the declared sizes. */
export function rawZip(entries: readonly RawEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = strToU8(e.name);
    const packed = deflateRawSync(e.data, { level: 9 });
    const fields = (view: DataView, at: number) => {
      view.setUint16(at, 8, true); // deflate
      view.setUint32(at + 6, crc32(e.data), true);
      view.setUint32(at + 10, packed.length, true);
      view.setUint32(at + 14, e.size ?? e.data.length, true);
      view.setUint16(at + 18, name.length, true);
    };
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    fields(lv, 8);
    local.set(name, 30);
    const record = new Uint8Array(46 + name.length);
    const cv = new DataView(record.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    fields(cv, 10);
    cv.setUint32(42, offset, true);
    record.set(name, 46);
    parts.push(local, packed);
    central.push(record);
    offset += local.length + packed.length;
  }
  const size = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, size, true);
  ev.setUint32(16, offset, true);
  const all = [...parts, ...central, end];
  const bytes = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  all.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
  return bytes;
}

/** The zip with entry `name`'s unpacked size rewritten to `size` in its local header and its directory record. */
export function declareSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const nameBytes = strToU8(name);
  const named = (at: number) => nameBytes.every((b, k) => out[at + k] === b);
  for (let i = 0; i + 46 < out.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x04034b50 && view.getUint16(i + 26, true) === nameBytes.length && named(i + 30))
      view.setUint32(i + 22, size, true);
    if (sig === 0x02014b50 && view.getUint16(i + 28, true) === nameBytes.length && named(i + 46))
      view.setUint32(i + 24, size, true);
  }
  return out;
}
