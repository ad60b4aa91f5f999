/**
 * @module
 * The CaoError family: every failure a user can see carries an exit code and a message that says what was
 * attempted and what to do next. Only `main.ts` turns an error into a process exit; nothing here prints.
 */

/** Exit codes shared by every command (see STYLE.md). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

/** Base class: a failure meant for the user, with the exit code the process should end with. */
export class CaoError extends Error {
  /** The process exit code this error maps to. */
  readonly exitCode: number;
  /** An optional next step, printed on its own line after the message. */
  readonly hint?: string;

  constructor(message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "CaoError";
    this.exitCode = options.exitCode ?? ExitCode.failure;
    this.hint = options.hint;
  }
}

/** Bad input on the command line: exit 2, nothing was changed. */
export class UsageError extends CaoError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.usage, hint });
    this.name = "UsageError";
  }
}

/** A file on disk could not be read or parsed. */
export class DataFileError extends CaoError {
  /** The path of the file concerned. */
  readonly path: string;

  constructor(path: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { exitCode: ExitCode.failure, ...options });
    this.name = "DataFileError";
    this.path = path;
  }
}

/** A named account does not exist in the registry. */
export class AccountNotFoundError extends CaoError {
  constructor(name: string) {
    super(`Cannot find account "${name}": it is not registered`, {
      exitCode: ExitCode.usage,
      hint: 'run "cao list" to see the accounts, or "cao add <name>" to add one',
    });
    this.name = "AccountNotFoundError";
  }
}

/** The codex executable could not be found or started. */
export class CodexNotFoundError extends CaoError {
  constructor(command: string, cause?: unknown) {
    super(`Cannot run codex "${command}": not found`, {
      exitCode: ExitCode.failure,
      hint:
        'install it with "npm install -g @openai/codex" (or "brew install codex"), or point cao at it with --codex <path> or CAO_CODEX_BIN',
      cause,
    });
    this.name = "CodexNotFoundError";
  }
}
