/**
 * The PowerShell completion script: with `pwsh` installed it is loaded twice and asked through
 * TabExpansion2, PowerShell's own completion entry point; without it, it must parse cleanly with
 * tree-sitter's PowerShell grammar (a syntax check, the most this machine can do).
 */
import assert from "node:assert/strict";
// Test-only packages, kept out of deno.json's imports so that running cao never installs them.
// deno-lint-ignore no-import-prefix
import "npm:tree-sitter-powershell@0.26.4/package.json" with { type: "json" };
// deno-lint-ignore no-import-prefix
import { Language, Parser } from "npm:web-tree-sitter@0.27.2";
import { completionScript } from "../../src/cli/completion_scripts.ts";
import { MAIN_TS } from "../support/run_cao.ts";

async function onPath(name: string): Promise<string | null> {
  const separator = Deno.build.os === "windows" ? ";" : ":";
  for (const dir of (Deno.env.get("PATH") ?? "").split(separator).filter((d) => d !== "")) {
    for (const file of [name, `${name}.exe`]) {
      try {
        if ((await Deno.stat(`${dir}/${file}`)).isFile) return `${dir}/${file}`;
      } catch { /* not here */ }
    }
  }
  return null;
}

const PWSH = await onPath("pwsh");

Deno.test("the PowerShell script parses without a syntax error", async () => {
  const grammar = new URL(
    "./tree-sitter-powershell.wasm",
    import.meta.resolve("npm:tree-sitter-powershell@0.26.4/package.json"),
  );
  await Parser.init();
  const parser = new Parser();
  parser.setLanguage(await Language.load(await Deno.readFile(grammar)));
  const broken = parser.parse("Register-ArgumentCompleter -ScriptBlock { if ($a { } ")!;
  assert.equal(broken.rootNode.hasError, true, "the grammar does report errors");
  const tree = parser.parse(completionScript("powershell"))!;
  assert.equal(tree.rootNode.hasError, false);
  tree.delete();
  broken.delete();
  parser.delete();
});

Deno.test({
  name: "PowerShell completes commands, values and account names (pwsh)",
  ignore: PWSH === null || Deno.build.os === "windows",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "cao-pwsh-" });
    try {
      await Deno.mkdir(`${dir}/bin`);
      await Deno.mkdir(`${dir}/cao`);
      await Deno.writeTextFile(
        `${dir}/cao/registry.json`,
        JSON.stringify({
          schemaVersion: 1,
          defaultAccount: "work",
          accounts: [{ name: "work", addedAt: "2026-11-21T10:00:00.000Z" }, {
            name: "personal",
            addedAt: "2026-11-21T10:00:00.000Z",
          }],
        }),
      );
      await Deno.writeTextFile(
        `${dir}/bin/cao`,
        `#!/bin/sh\nexec '${Deno.execPath()}' run --quiet -A '${MAIN_TS}' "$@"\n`,
        { mode: 0o755 },
      );
      const cases: [string, string[]][] = [
        ["cao rese", ["reserve"]],
        ["cao reserve ", ["work", "personal"]],
        ["cao run --account p", ["personal"]],
        ["cao report --format ", ["md", "json"]],
        ["cao completions f", ["fish"]],
      ];
      const command = [
        "cao completions powershell | Out-String | Invoke-Expression",
        "cao completions powershell | Out-String | Invoke-Expression",
        ...cases.map(([line]) =>
          `(TabExpansion2 -inputScript '${line}' -cursorColumn ${line.length}).CompletionMatches.CompletionText -join ','`
        ),
      ].join("; ");
      const out = await new Deno.Command(PWSH!, {
        args: ["-NoProfile", "-NonInteractive", "-Command", command],
        env: { PATH: `${dir}/bin:${Deno.env.get("PATH")}`, CAO_HOME: `${dir}/cao`, NO_COLOR: "1" },
        stdin: "null",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(stderr, "");
      const lines = new TextDecoder().decode(out.stdout).split(/\r?\n/);
      cases.forEach(([line, expected], i) =>
        assert.deepEqual(lines[i].split(",").filter(Boolean), expected, line)
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
