/**
 * @module
 * The user's codex arguments (everything after `cao run --`), understood just enough to continue the same
 * conversation elsewhere: which kind of run it is (the interactive TUI, `codex exec`, or another subcommand
 * cao only passes through), which options the user gave, and the arguments that resume a session on the
 * next account with those options kept (`codex resume <id> <prompt>`, `codex exec … resume <id> <prompt>`).
 * Pure; the option table is Codex CLI 0.169's (`codex --help`, `codex exec --help`, `codex resume --help`).
 */

/** What a codex command line does, for cao's purposes. */
export type CodexRunKind = "interactive" | "exec" | "other";

/** A parsed codex command line. Options keep their values: `["-c", "k=v"]`, `["--json"]`, `["-mo3"]`. */
export interface CodexInvocation {
  kind: CodexRunKind;
  /** Options before the subcommand. */
  rootOptions: string[][];
  /** The subcommand as typed (`exec`, `e`, `resume`, `fork`, `login`, …), or null for the bare TUI. */
  command: string | null;
  /** Options after the subcommand. */
  commandOptions: string[][];
  /** `exec`'s own subcommand (`resume`, `fork`, `review`), or null. */
  subcommand: string | null;
  /** Options after `exec`'s subcommand. */
  subcommandOptions: string[][];
  /** Positional arguments at the deepest level: the prompt, or the session id and a prompt. */
  positionals: string[];
}

/** Options of codex 0.169 that take a value (every other option is a flag). */
const VALUE_OPTIONS = new Set([
  "-c",
  "--config",
  "--enable",
  "--disable",
  "--remote",
  "--remote-auth-token-env",
  "-i",
  "--image",
  "-m",
  "--model",
  "--local-provider",
  "-p",
  "--profile",
  "-s",
  "--sandbox",
  "-C",
  "--cd",
  "--add-dir",
  "-a",
  "--ask-for-approval",
  "--thread-source",
  "--cyber-access-program",
  "--output-schema",
  "--color",
  "-o",
  "--output-last-message",
]);

/** Codex's top-level subcommands and aliases (0.169). */
const SUBCOMMANDS = new Set([
  "agents",
  "exec",
  "e",
  "review",
  "login",
  "logout",
  "mcp",
  "plugin",
  "app-server",
  "remote-control",
  "completion",
  "update",
  "doctor",
  "sandbox",
  "debug",
  "apply",
  "a",
  "resume",
  "queue",
  "archive",
  "delete",
  "migrate-rollouts",
  "migrate-nfs-db",
  "unarchive",
  "fork",
  "cloud",
  "exec-server",
  "features",
  "help",
]);

const EXEC_SUBCOMMANDS = new Set(["resume", "fork", "review", "help"]);
const HELP_FLAGS = new Set(["-h", "--help", "-V", "--version"]);

/** Options dropped when resuming: the session is picked by id, images were already sent. */
const NOT_FOR_RESUME = new Set([
  "-i",
  "--image",
  "--last",
  "--all",
  "--include-non-interactive",
  "--worktree",
]);

/** The options `codex exec resume` accepts after `resume` (0.169). */
const EXEC_RESUME_OPTIONS = new Set([
  "-c",
  "--config",
  "--enable",
  "--disable",
  "-m",
  "--model",
  "--strict-config",
  "--dangerously-bypass-approvals-and-sandbox",
  "--dangerously-bypass-hook-trust",
  "--thread-source",
  "--cyber-access-program",
  "--skip-git-repo-check",
  "--trust",
  "--ephemeral",
  "--ignore-user-config",
  "--ignore-rules",
  "--output-schema",
  "--json",
  "-o",
  "--output-last-message",
]);

/** `--model=o3` → `--model`, `-mo3` → `-m`, `--json` → `--json`. Pure. */
export function optionName(token: string): string {
  if (token.startsWith("--")) return token.split("=")[0];
  return token.slice(0, 2);
}

function takesSeparateValue(token: string): boolean {
  if (token.startsWith("--")) return !token.includes("=") && VALUE_OPTIONS.has(token);
  return token.length === 2 && VALUE_OPTIONS.has(token);
}

interface Level {
  options: string[][];
  positionals: string[];
  /** The index in `args` where the level's first positional (or the end) was. */
  next: number;
  help: boolean;
}

/** Reads options and positionals from `args[start]` up to the first positional that `stopAt` accepts. */
function readLevel(args: string[], start: number, stopAt: (positional: string) => boolean): Level {
  const options: string[][] = [];
  const positionals: string[] = [];
  let help = false;
  let i = start;
  while (i < args.length) {
    const token = args[i];
    if (token === "--") {
      positionals.push(...args.slice(i + 1));
      return { options, positionals, next: args.length, help };
    }
    if (token.startsWith("-") && token !== "-") {
      if (HELP_FLAGS.has(token)) help = true;
      if (takesSeparateValue(token) && i + 1 < args.length) {
        options.push([token, args[i + 1]]);
        i += 2;
      } else {
        options.push([token]);
        i += 1;
      }
      continue;
    }
    if (positionals.length === 0 && stopAt(token)) return { options, positionals, next: i, help };
    positionals.push(token);
    i += 1;
  }
  return { options, positionals, next: args.length, help };
}

/** Understands a codex command line. Pure. */
export function parseCodexArgs(args: string[]): CodexInvocation {
  const root = readLevel(args, 0, (word) => SUBCOMMANDS.has(word));
  const base: CodexInvocation = {
    kind: "interactive",
    rootOptions: root.options,
    command: null,
    commandOptions: [],
    subcommand: null,
    subcommandOptions: [],
    positionals: root.positionals,
  };
  if (root.next >= args.length) return root.help ? { ...base, kind: "other" } : base;

  const command = args[root.next];
  const isExec = command === "exec" || command === "e";
  const level = readLevel(args, root.next + 1, (word) => isExec && EXEC_SUBCOMMANDS.has(word));
  let invocation: CodexInvocation = {
    ...base,
    command,
    commandOptions: level.options,
    positionals: level.positionals,
  };
  let help = root.help || level.help;
  if (isExec && level.next < args.length) {
    const sub = readLevel(args, level.next + 1, () => false);
    invocation = {
      ...invocation,
      subcommand: args[level.next],
      subcommandOptions: sub.options,
      positionals: sub.positionals,
    };
    help ||= sub.help || args[level.next] === "help";
  }
  const kind: CodexRunKind = help
    ? "other"
    : isExec
    ? "exec"
    : command === "resume" || command === "fork"
    ? "interactive"
    : "other";
  return { ...invocation, kind };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether the run picks a session itself: `resume`/`fork` (TUI or `exec`) without a session id — `--last`,
 * the picker, or a thread name. Pure.
 */
export function picksSession(invocation: CodexInvocation): boolean {
  const names = invocation.kind === "exec" ? invocation.subcommand : invocation.command;
  return (names === "resume" || names === "fork") && referencedSessionId(invocation) === null;
}

/** The user's `-c`, `--enable` and `--disable` options before the subcommand (for other codex commands). Pure. */
export function configOptions(invocation: CodexInvocation): string[] {
  return keep(invocation.rootOptions, (name) => ["-c", "--config", "--enable", "--disable"].includes(name));
}

/** The session id named by `resume <id>`, `fork <id>` or `exec resume|fork <id>`, or null. Pure. */
export function referencedSessionId(invocation: CodexInvocation): string | null {
  const names = invocation.kind === "exec" ? invocation.subcommand : invocation.command;
  if (names !== "resume" && names !== "fork") return null;
  const first = invocation.positionals[0];
  return first !== undefined && UUID.test(first) ? first.toLowerCase() : null;
}

function keep(options: string[][], allowed: (name: string) => boolean): string[] {
  return options.filter((option) => allowed(optionName(option[0]))).flat();
}

/**
 * The arguments that continue session `sessionId` with `prompt`, keeping the user's options:
 * `resume <options> <id> [<prompt>]` for the TUI (no prompt when it was queued instead), `<root options>
 * exec <exec options> resume <options> <id> <prompt>` for `codex exec`. Null for runs cao does not continue
 * (other subcommands). `execResumeOptions`: what the binary's `exec resume` takes (`codex_help.ts`; default
 * 0.169's table). Pure.
 */
export function resumeArgs(
  invocation: CodexInvocation,
  sessionId: string,
  prompt: string | null,
  execResumeOptions: ReadonlySet<string> = EXEC_RESUME_OPTIONS,
): string[] | null {
  const usable = (name: string) => !NOT_FOR_RESUME.has(name);
  const tail = prompt === null ? [sessionId] : [sessionId, prompt];
  if (invocation.kind === "interactive") {
    const options = keep([...invocation.rootOptions, ...invocation.commandOptions], usable);
    return ["resume", ...options, ...tail];
  }
  if (invocation.kind === "exec") {
    return [
      ...keep(invocation.rootOptions, usable),
      "exec",
      ...keep(invocation.commandOptions, usable),
      "resume",
      ...keep(invocation.subcommandOptions, (name) => usable(name) && execResumeOptions.has(name)),
      ...tail,
    ];
  }
  return null;
}
