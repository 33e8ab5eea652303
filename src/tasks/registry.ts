// The one explicit list of tasks. Adding a task means adding a line here; nothing registers itself.
// Task ids are stable strings: they live in URLs, IndexedDB and exported files.
import { ConfigError } from '../util/errors';
import { addition } from './addition';
import { arithChain } from './arith-chain';
import { multiHop } from './multi-hop';
import { numMatch } from './num-match';
import type { AnyTask } from './types';

export const TASKS = {
  addition,
  multi_hop: multiHop,
  num_match: numMatch,
  arith_chain: arithChain,
} as const;

export type TaskId = keyof typeof TASKS;

/** All task ids, in the order a form lists them. */
export const TASK_IDS: readonly TaskId[] = Object.freeze(Object.keys(TASKS) as TaskId[]);

export function isTaskId(id: unknown): id is TaskId {
  return typeof id === 'string' && Object.prototype.hasOwnProperty.call(TASKS, id);
}

/** The task with this id; a ConfigError naming the field `task` for an unknown id. */
export function getTask(id: string): AnyTask {
  if (!isTaskId(id))
    throw new ConfigError('task', `Unknown task ${JSON.stringify(id)}; known tasks: ${TASK_IDS.join(', ')}.`);
  return TASKS[id];
}
