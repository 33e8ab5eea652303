// Runs the TRL export's Python files with Debian's python3 (standard library only): writes them to a
// temporary directory, then one python process per call, JSON on stdin and stdout. Helpers only.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory holding `files` (name -> text). */
export function pythonDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlvr-trl-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Run `python3 args...` in `cwd` with `input` on stdin; resolves stdout, rejects with stderr on a non-zero exit. */
export function python(args: string[], cwd: string, input = '', env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, {
      cwd,
      env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1', ...env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) =>
      reject(new Error(`python3 could not start (${e.message}); the TRL export's tests need Debian's python3`)),
    );
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`python3 ${args.join(' ').slice(0, 80)} exited with ${code}:\n${stderr.slice(-3000)}`));
    });
    child.stdin.end(input, 'utf8');
  });
}

/** Run Python `code` (which reads JSON from stdin and prints JSON) with `dir` importable. */
export async function pythonJson<T>(dir: string, code: string, input: unknown): Promise<T> {
  return JSON.parse(await python(['-c', code], dir, JSON.stringify(input))) as T;
}
