/**
 * The README's command table and `cao --help` must agree: every command cao has is documented, and every
 * documented command exists (with the options the table names).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { Command } from "../../src/deps/commander.ts";
import { commandPaths, loadFullProgram } from "../support/cli_program.ts";

const README = fileURLToPath(new URL("../../README.md", import.meta.url));

/** `cao gateway start [--port <n>]` → the command path and the long options it names. */
function parseRow(cell: string): { path: string[]; options: string[] } {
  const words = cell.replace(/\\\|/g, "|").split(/\s+/).filter((w) => w.length > 0).slice(1);
  const path: string[] = [];
  for (const word of words) {
    if (/^[a-z][a-z-]*$/.test(word)) path.push(word);
    else break;
  }
  const options = [...cell.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]);
  return { path, options };
}

function documentedRows(readme: string): string[] {
  const section = readme.split(/^## Commands$/m)[1].split(/^## /m)[0];
  return [...section.matchAll(/^\| `(cao [^`]+)`/gm)].map((m) => m[1]);
}

function find(program: Command, path: string[]): Command | undefined {
  let command: Command | undefined = program;
  for (const name of path) {
    command = command?.commands.find((c) => c.name() === name || c.aliases().includes(name)) as
      | Command
      | undefined;
  }
  return command;
}

Deno.test("README command table and cao --help agree", async () => {
  const readme = await Deno.readTextFile(README);
  const program = await loadFullProgram();
  const rows = documentedRows(readme);
  assert.ok(rows.length > 5, "the table was found");
  const documented = new Set<string>();
  for (const row of rows) {
    const { path, options } = parseRow(row);
    const command = find(program, path);
    assert.ok(command, `README documents "${row}" but cao has no "${path.join(" ")}"`);
    documented.add(path.join(" "));
    const known = new Set(
      [...command!.options, ...program.options].map((o) => o.long).filter((l): l is string => !!l),
    );
    for (const option of options) {
      const negated = option.startsWith("--no-") ? `--${option.slice(5)}` : option;
      assert.ok(known.has(option) || known.has(negated), `README names ${option} for "${path.join(" ")}"`);
    }
  }
  for (const name of commandPaths(program).map((path) => path.join(" "))) {
    const coveredByChild = [...documented].some((d) => d.startsWith(`${name} `));
    assert.ok(
      documented.has(name) || coveredByChild,
      `"cao ${name}" is missing from the README command table`,
    );
  }
});
