/**
 * @module
 * Adapter for shell completions (`npm:@bomb.sh/tab`): attaches `completions <shell>` and the hidden
 * `complete -- <args>` callback to a commander program. The library prints with console.log, so callers run
 * the parse inside {@link withConsoleLogTo} to send that output where the CLI's stdout goes.
 */

import type { Command } from "@commander-js/extra-typings";
import tab from "@bomb.sh/tab/commander";

/** Positional arguments whose values can be completed, as `command path → argument name`. */
export type DynamicArguments = Record<string, { argument: string; values: () => string[] }>;

/**
 * Adds the completion commands to `program` (call after every other command is registered). `dynamic`
 * completes positional values such as account names, computed only when the shell asks.
 */
export function attachCompletions(program: Command, dynamic: DynamicArguments = {}): void {
  // deno-lint-ignore no-explicit-any
  const root = tab(program as any, { completionCommandName: "completions" });
  for (const [path, spec] of Object.entries(dynamic)) {
    const argument = root.commands.get(path)?.arguments.get(spec.argument);
    if (argument) argument.handler = (complete) => spec.values().forEach((value) => complete(value, ""));
  }
}

/** Runs `action` with console.log routed to `write`. */
export async function withConsoleLogTo<T>(
  write: (text: string) => void,
  action: () => Promise<T>,
): Promise<T> {
  // deno-lint-ignore no-console -- the library prints with console.log: this is where it is caught
  const original = console.log;
  // deno-lint-ignore no-console -- see above
  console.log = (...parts: unknown[]) => write(parts.map(String).join(" ") + "\n");
  try {
    return await action();
  } finally {
    // deno-lint-ignore no-console -- see above
    console.log = original;
  }
}
