// Statuses this tab was told but storage did not record (a full disk) are shown over older stored
// records, and never over a record written after the report (another tab resumed the run).
import { describe, expect, it, vi } from 'vitest';
import { noteStatus, withReported } from '../../src/ui/run/reported-status';
import { runRecord } from '../store/fixtures';

describe('reported statuses', () => {
  it('shows the reported status over an older stored one, and the stored one once it is newer', () => {
    vi.setSystemTime(1000);
    noteStatus('r', 'stopped', 'stopped by the user');
    const stale = runRecord('r', 1, 'running', { updatedAt: 900 });
    expect(withReported(stale)).toMatchObject({ status: 'stopped', reason: 'stopped by the user' });
    expect(withReported({ ...stale, status: 'running', updatedAt: 1000 }).status).toBe('running');
    expect(withReported(runRecord('other', 1, 'running', { updatedAt: 900 })).status).toBe('running');
    vi.useRealTimers();
  });
});
