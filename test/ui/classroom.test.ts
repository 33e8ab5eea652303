// Classroom links: which parts they hide, what they ignore, and that building and reading agree.
import { describe, expect, it } from 'vitest';
import { classroomSearch, DEFAULT_HIDDEN, PART_NAMES, parseClassroom } from '../../src/ui/share/classroom';

describe('classroom mode', () => {
  it('is off without the parameter', () => {
    expect(parseClassroom('')).toEqual({ hidden: [], unknown: [] });
    expect(parseClassroom('?embed')).toEqual({ hidden: [], unknown: [] });
  });

  it('hides the named parts, in a fixed order, and reports unknown names', () => {
    expect(parseClassroom('?classroom=share,Model,%20rl')).toEqual({ hidden: ['model', 'rl', 'share'], unknown: [] });
    expect(parseClassroom('?classroom=model,bogus,<b>x</b>')).toEqual({
      hidden: ['model'],
      unknown: ['bogus', '<b>x</b>'],
    });
  });

  it('hides the default knobs with a bare parameter', () => {
    expect(parseClassroom('?classroom').hidden).toEqual(DEFAULT_HIDDEN);
    expect(parseClassroom('?classroom=').hidden).toEqual(DEFAULT_HIDDEN);
  });

  it('builds a query that reads back to the same parts and keeps other parameters', () => {
    const q = classroomSearch('?embed&classroom=rl', ['share', 'model']);
    expect(q).toBe('?embed=&classroom=model,share');
    expect(parseClassroom(q).hidden).toEqual(['model', 'share']);
    expect(classroomSearch('?classroom=rl', [])).toBe('');
    for (const p of PART_NAMES) expect(parseClassroom(classroomSearch('', [p])).hidden).toEqual([p]);
  });
});
