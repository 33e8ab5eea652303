// Run statuses this tab was told (by its trainer, or by ending a stuck one) that storage may not have
// recorded: with the disk full a status write fails, and the stored record still says "running".
// Shown over a stored record older than the report. One map for the page, as page-db.ts is one connection.
import type { RunRecord, RunStatus } from '../../store/types';

const reported = new Map<string, { status: RunStatus; reason?: string; at: number }>();

export function noteStatus(runId: string, status: RunStatus, reason?: string): void {
  reported.set(runId, { status, ...(reason ? { reason } : {}), at: Date.now() });
}

/** `run` with the status this tab was told, where storage holds an older one. */
export function withReported(run: RunRecord): RunRecord {
  const r = reported.get(run.id);
  if (!r || run.updatedAt >= r.at || run.status === r.status) return run;
  return { ...run, status: r.status, ...(r.reason ? { reason: r.reason } : {}) };
}
