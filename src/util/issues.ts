// One line of text from a schema's first validation issue ("runs.0.metrics.3.step: expected an integer"),
// so a refused file or link says what was wrong and where. Plain strings; no UI.
import { getDotPath, type BaseIssue } from 'valibot';

export function issueText(issues: readonly BaseIssue<unknown>[], what = 'the data'): string {
  const first = issues[0];
  if (!first) return `${what} is not valid`;
  const path = getDotPath(first);
  return `${path ? `${what}, at ${path}` : what}: ${first.message}`;
}
