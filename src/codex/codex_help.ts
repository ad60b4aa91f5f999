/**
 * @module
 * The options of the Codex binary in use, read from its own `--help` (clap's layout: an option line is
 * `  -X, --name <VALUE>` or `      --name`), so that a conversation resumed on the next account keeps every
 * option that version of `codex exec resume` takes — 0.171 added `--remote` and `--remote-auth-token-env`
 * there (/work/notes/issue11-research.md §4) — instead of a table frozen at 0.169. Parsing is pure; asking
 * the binary is one `codex exec resume --help`, done only when a conversation is resumed.
 */

import { runToCompletion, type SpawnFn } from "./spawn.ts";

/** The options a help text lists: each name (`--remote`, `-m`) and whether it takes a value. Pure. */
export function parseHelpOptions(help: string): Map<string, boolean> {
  const options = new Map<string, boolean>();
  for (const line of help.split("\n")) {
    const match = /^\s{2,}(?:(-[A-Za-z0-9]),\s+)?(--[A-Za-z0-9][\w-]*)(?:[ =](<[^>]+>))?/.exec(line);
    if (!match) continue;
    const takesValue = match[3] !== undefined;
    if (match[1]) options.set(match[1], takesValue);
    options.set(match[2], takesValue);
  }
  return options;
}

/**
 * The options `codex exec resume` of `codex` accepts after `resume` (from its `--help`), or null when the
 * binary does not answer (the caller keeps its built-in table).
 */
export async function execResumeOptions(
  spawn: SpawnFn,
  codex: string,
  env: Record<string, string>,
): Promise<ReadonlySet<string> | null> {
  try {
    const out = await runToCompletion(spawn, codex, { args: ["exec", "resume", "--help"], env });
    if (out.code !== 0) return null;
    const options = parseHelpOptions(out.stdout);
    return options.size > 0 ? new Set(options.keys()) : null;
  } catch {
    return null;
  }
}
