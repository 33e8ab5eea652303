// Errors a user can cause, with a message that says what was wrong and what is allowed.
// Plain classes only: no UI strings beyond the message, no logging.

/** A config field outside its allowed range. `field` is the dotted path, e.g. "model.heads". */
export class ConfigError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.field = field;
  }
}

/** What went wrong, for a message: an Error's message, anything else as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
