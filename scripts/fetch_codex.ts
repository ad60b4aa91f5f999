/**
 * @module
 * Makes sure the real Codex CLI the integration tests run is on disk; `deno task test` runs it first.
 *
 * With `CAO_TEST_CODEX` set to an existing file it does nothing. Otherwise it runs
 * `deno run -A --no-config --no-lock npm:@openai/codex@0.169.0 --version`, which puts `@openai/codex`
 * and its native platform package into Deno's npm cache (without touching the project's deno.json or
 * deno.lock), then prints `codex for tests: <path> (codex-cli 0.169.0)`. It also caches CAO 1.4.2
 * (`npm:codex-account-orchestrator@1.4.2`), whose homes the migration tests make, and the tree-sitter
 * PowerShell parser of the completion tests (tests/support/powershell_parser.ts). Exits 1 with a message on
 * failure.
 */

// deno-lint-ignore-file no-console -- a script: printing is its job

import { CODEX_TEST_VERSION, codexBinary } from "../tests/support/codex_bin.ts";
import { PARSER_PACKAGES } from "../tests/support/powershell_parser.ts";

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return { ok: out.success, output: `${decoder.decode(out.stdout)}${decoder.decode(out.stderr)}`.trim() };
  } catch (error) {
    return { ok: false, output: error instanceof Error ? error.message : String(error) };
  }
}

/** Puts CAO 1.4.2 into Deno's npm cache (its `--help` runs offline afterwards). */
async function fetchSeed(): Promise<number> {
  const spec = "npm:codex-account-orchestrator@1.4.2";
  const fetched = await run(Deno.execPath(), ["run", "-A", "--no-config", "--no-lock", spec, "--help"]);
  if (!fetched.ok) {
    console.error(
      `Cannot fetch CAO 1.4.2 for the tests ("deno run -A ${spec} --help" failed):\n${fetched.output}`,
    );
    return 1;
  }
  return 0;
}

/** Puts the PowerShell syntax check's parser and grammar into Deno's npm cache (outside deno.lock). */
async function fetchPowerShellParser(): Promise<number> {
  const code = `await import("${PARSER_PACKAGES.parser}"); ` +
    `await import("${PARSER_PACKAGES.grammar}/package.json", { with: { type: "json" } });`;
  const fetched = await run(Deno.execPath(), ["eval", "--quiet", "--no-config", "--no-lock", code]);
  if (!fetched.ok) {
    console.error(`Cannot fetch the PowerShell parser for the tests:\n${fetched.output}`);
    return 1;
  }
  return 0;
}

/** Fetches codex (and CAO 1.4.2, and the PowerShell parser) if needed; returns the process exit code. */
export async function fetchCodex(): Promise<number> {
  if (await fetchSeed() !== 0) return 1;
  if (await fetchPowerShellParser() !== 0) return 1;
  const fromEnv = Deno.env.get("CAO_TEST_CODEX");
  if (fromEnv) {
    try {
      if ((await Deno.stat(fromEnv)).isFile) return 0;
    } catch { /* reported below */ }
    console.error(`Cannot use CAO_TEST_CODEX "${fromEnv}": no such file. Unset it to fetch codex from npm.`);
    return 1;
  }
  const spec = `npm:@openai/codex@${CODEX_TEST_VERSION}`;
  const fetched = await run(Deno.execPath(), ["run", "-A", "--no-config", "--no-lock", spec, "--version"]);
  if (!fetched.ok) {
    console.error(
      `Cannot fetch codex for the tests ("deno run -A ${spec} --version" failed):\n${fetched.output}`,
    );
    console.error("Check access to the npm registry, or set CAO_TEST_CODEX to a codex binary.");
    return 1;
  }
  let path: string;
  try {
    path = await codexBinary();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  const version = await run(path, ["--version"]);
  if (!version.ok || !version.output.includes(CODEX_TEST_VERSION)) {
    console.error(`Cannot run codex at "${path}": ${version.output || "no output"}`);
    return 1;
  }
  console.log(`codex for tests: ${path} (${version.output})`);
  return 0;
}

if (import.meta.main) Deno.exit(await fetchCodex());
