/**
 * The PowerShell completion script: with `pwsh` installed it is loaded twice and asked through
 * TabExpansion2, PowerShell's own completion entry point; without it, it must parse cleanly with
 * tree-sitter's PowerShell grammar (a syntax check, the most this machine can do).
 */
import assert from "node:assert/strict";
import { completionScript } from "../../src/cli/completion_scripts.ts";
import { MAIN_TS } from "../support/run_cao.ts";
import { PARSER_PACKAGES } from "../support/powershell_parser.ts";

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

/**
 * Parses PowerShell read from stdin with tree-sitter's grammar and prints whether it has an error. It runs
 * in its own `deno eval --no-config --no-lock`, so that its npm packages (cached by scripts/fetch_codex.ts)
 * stay out of the project's deno.lock and never reach someone who runs cao from source.
 */
const PARSE = `
import "${PARSER_PACKAGES.grammar}/package.json" with { type: "json" };
import { Language, Parser } from "${PARSER_PACKAGES.parser}";
const grammar = new URL("./tree-sitter-powershell.wasm", import.meta.resolve("${PARSER_PACKAGES.grammar}/package.json"));
await Parser.init();
const parser = new Parser();
parser.setLanguage(await Language.load(await Deno.readFile(grammar)));
const tree = parser.parse(await new Response(Deno.stdin.readable).text());
console.log(tree.rootNode.hasError ? "error" : "ok");
`;

async function parses(source: string): Promise<boolean> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", "--no-config", "--no-lock", "-A", PARSE],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(source));
  await writer.close();
  const out = await child.output();
  const said = new TextDecoder().decode(out.stdout).trim();
  assert.ok(said === "ok" || said === "error", `the parser ran: ${new TextDecoder().decode(out.stderr)}`);
  return said === "ok";
}

Deno.test("the PowerShell script parses without a syntax error", async () => {
  assert.equal(
    await parses("Register-ArgumentCompleter -ScriptBlock { if ($a { } "),
    false,
    "errors are seen",
  );
  assert.equal(await parses(completionScript("powershell")), true);
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
