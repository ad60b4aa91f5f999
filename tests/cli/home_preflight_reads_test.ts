/**
 * The home preflight and the command share one read of registry.json, account_status.json and gateway.json
 * (the preflight reads them to tell a CAO 1.4.2 home): each is opened once per command. In-process, real
 * files; the file-opening calls of the `Deno` namespace are counted by a spy that calls the real ones.
 */

import assert from "node:assert/strict";
import { makeTempHome, runCaoInProcess } from "../support/run_cao.ts";

type Opener = "readTextFile" | "readFile" | "open" | "readTextFileSync" | "readFileSync" | "openSync";
const OPENERS: Opener[] = [
  "readTextFile",
  "readFile",
  "open",
  "readTextFileSync",
  "readFileSync",
  "openSync",
];

/** Counts, per path, the calls of Deno's file-opening functions until disposed (they still do their work). */
function countOpens(): Disposable & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const real = new Map<Opener, unknown>();
  const spied = Deno as unknown as Record<Opener, (path: string | URL, ...rest: unknown[]) => unknown>;
  for (const name of OPENERS) {
    const original = spied[name];
    real.set(name, original);
    spied[name] = (path, ...rest) => {
      const key = path instanceof URL ? path.pathname : String(path);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return original.call(Deno, path, ...rest);
    };
  }
  return {
    counts,
    [Symbol.dispose]() {
      for (const name of OPENERS) spied[name] = real.get(name) as (typeof spied)[Opener];
    },
  };
}

Deno.test("cao status opens registry.json, account_status.json and gateway.json once each", async () => {
  await using home = await makeTempHome();
  for (const name of ["a", "b"]) {
    assert.equal((await runCaoInProcess(home, ["add", name, "--no-login"])).code, 0);
  }
  await Deno.writeTextFile(
    `${home.caoHome}/account_status.json`,
    JSON.stringify({ schemaVersion: 1, accounts: { a: { attempts: 3 } } }),
  );
  await Deno.writeTextFile(`${home.caoHome}/gateway.json`, JSON.stringify({ schemaVersion: 1, port: 4999 }));
  let result;
  {
    using spy = countOpens();
    result = await runCaoInProcess(home, ["status", "--json"]);
    const opens = ["registry.json", "account_status.json", "gateway.json"].map((name) =>
      `${name}: ${spy.counts.get(`${home.caoHome}/${name}`) ?? 0}`
    );
    assert.deepEqual(opens, ["registry.json: 1", "account_status.json: 1", "gateway.json: 1"]);
  }
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).accounts.length, 2, "what was read ahead is what the command shows");
});
