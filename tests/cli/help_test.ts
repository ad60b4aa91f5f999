/**
 * `cao --help` and every command's `--help` as a user sees them (main.ts as a child; its output is piped, so
 * commander wraps at its 80 columns whatever the terminal running the tests), against their snapshots. A new
 * command fails here until its help is recorded with `deno task test:update-snapshots`.
 */
import assert from "node:assert/strict";
import { commandPaths, loadFullProgram } from "../support/cli_program.ts";
import { type CaoResult, makeTempHome, runCaoProcess } from "../support/run_cao.ts";
import { TEXT } from "../support/snapshot.ts";

/** `run` over `items`, at most `limit` at a time; the results in the order of `items`. */
async function mapLimited<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

Deno.test("every command's --help matches its snapshot", async (t) => {
  await using home = await makeTempHome();
  const commands = [[], ...commandPaths(await loadFullProgram())].map((path) => [...path, "--help"]);
  const results: CaoResult[] = await mapLimited(commands, 4, (args) => runCaoProcess(home, args));
  for (const [i, args] of commands.entries()) {
    await t.step(`cao ${args.join(" ")}`, async (t) => {
      const result = results[i];
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, "");
      await t.assertSnapshot(result.stdout, TEXT);
    });
  }
});
