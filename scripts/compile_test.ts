/**
 * @module
 * Tests of `compile.ts`: the pure parts with literal inputs, and `compileRelease`/`runCompile` in a temp
 * project root with a fake `runDeno` (a real `deno compile` would download its runtime from the
 * network, which tests must not reach).
 */

import assert from "node:assert/strict";
import {
  compileCommandArgs,
  type CompileDeps,
  compileRelease,
  isRuntimeDownloadFailure,
  outputPath,
  parseCompileArgs,
  runCompile,
  type RunDeno,
  runtimeDownloadMessage,
  versionFromDenoJson,
} from "./compile.ts";
import { TARGETS } from "./release_assets.ts";

/** The stderr of `deno compile` 2.9.6 on a machine that cannot reach dl.deno.land (recorded). */
const OFFLINE_STDERR = `\x1b[0m\x1b[32mCompile\x1b[0m main.ts to dist/cao-0.1.0-x86_64-unknown-linux-gnu
\x1b[0m\x1b[32mDownload\x1b[0m https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip
\x1b[0m\x1b[1m\x1b[31merror\x1b[0m: Writing deno compile executable to temporary file 'dist/cao.tmp-505337823ef3283b'

Caused by:
    0: Setting up base binary.
    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): client error (Connect): dns error: failed to lookup address information: Name or service not known
    2: client error (Connect)
`;

Deno.test("parseCompileArgs() builds every target by default", () => {
  assert.deepEqual(parseCompileArgs([], "x86_64-unknown-linux-gnu"), { kind: "ok", targets: [...TARGETS] });
});

Deno.test("parseCompileArgs() takes repeated --target values, once each", () => {
  assert.deepEqual(
    parseCompileArgs(
      [
        "--target",
        "aarch64-apple-darwin",
        "--target=x86_64-pc-windows-msvc",
        "--target",
        "aarch64-apple-darwin",
      ],
      "x86_64-unknown-linux-gnu",
    ),
    { kind: "ok", targets: ["aarch64-apple-darwin", "x86_64-pc-windows-msvc"] },
  );
});

Deno.test("parseCompileArgs() --current picks the host target", () => {
  assert.deepEqual(parseCompileArgs(["--current"], "aarch64-apple-darwin"), {
    kind: "ok",
    targets: ["aarch64-apple-darwin"],
  });
  assert.deepEqual(parseCompileArgs(["--current"], "riscv64gc-unknown-linux-gnu"), {
    kind: "usage",
    message: 'Cannot build for the host "riscv64gc-unknown-linux-gnu": it is not a release target',
  });
});

Deno.test("parseCompileArgs() reports help and usage errors", () => {
  const host = "x86_64-unknown-linux-gnu";
  assert.deepEqual(parseCompileArgs(["--help"], host), { kind: "help" });
  assert.deepEqual(parseCompileArgs(["--current", "--target", host], host), {
    kind: "usage",
    message: "Use either --current or --target, not both",
  });
  const unknown = parseCompileArgs(["--target", "x86_64-unknown-linux-musl"], host);
  assert.equal(unknown.kind, "usage");
  assert.match(
    unknown.kind === "usage" ? unknown.message : "",
    /^Cannot build for "x86_64-unknown-linux-musl"/,
  );
  assert.equal(parseCompileArgs(["--bogus"], host).kind, "usage");
  assert.equal(parseCompileArgs(["main.ts"], host).kind, "usage");
});

Deno.test("outputPath() names binaries cao-<version>-<target>[.exe] under dist/", () => {
  assert.equal(outputPath("0.1.0", "x86_64-apple-darwin"), "dist/cao-0.1.0-x86_64-apple-darwin");
  assert.equal(outputPath("0.1.0", "x86_64-pc-windows-msvc"), "dist/cao-0.1.0-x86_64-pc-windows-msvc.exe");
});

Deno.test("compileCommandArgs() bakes in the permissions of deno task cao and the gateway's V8 flags", () => {
  assert.deepEqual(compileCommandArgs("0.1.0", "aarch64-pc-windows-msvc"), [
    "compile",
    "--allow-env",
    "--allow-read",
    "--allow-write",
    "--allow-run",
    "--allow-net",
    "--allow-sys=homedir,osRelease,hostname",
    "--v8-flags=--max-semi-space-size=4,--heap-growing-percent=50",
    "--exclude-unused-npm",
    "--target",
    "aarch64-pc-windows-msvc",
    "--output",
    "dist/cao-0.1.0-aarch64-pc-windows-msvc.exe",
    "main.ts",
  ]);
});

Deno.test("versionFromDenoJson() reads and checks the version", () => {
  assert.equal(versionFromDenoJson('{"name":"@cao/cli","version":"0.1.0"}'), "0.1.0");
  assert.throws(() => versionFromDenoJson("{}"), { message: /deno\.json has no "version"/ });
  assert.throws(() => versionFromDenoJson('{"version":"one"}'), { message: /Cannot use version "one"/ });
  assert.throws(() => versionFromDenoJson("{"), { message: /deno\.json is not valid JSON/ });
});

Deno.test("isRuntimeDownloadFailure() recognises an unreachable dl.deno.land only", () => {
  assert.equal(isRuntimeDownloadFailure(OFFLINE_STDERR), true);
  assert.equal(isRuntimeDownloadFailure("error: Setting up base binary."), true);
  assert.equal(
    isRuntimeDownloadFailure("error: error sending request for url (https://registry.npmjs.org/commander)"),
    false,
  );
  assert.equal(isRuntimeDownloadFailure("TS2307 [ERROR]: Cannot find module 'file:///x/main.ts'."), false);
});

Deno.test("runtimeDownloadMessage() says what failed and who builds the binaries", () => {
  assert.equal(
    runtimeDownloadMessage("aarch64-apple-darwin"),
    "Cannot compile for aarch64-apple-darwin: deno compile could not download its runtime " +
      "(this machine cannot reach dl.deno.land). The release workflow builds the binaries.",
  );
});

/** A temp project root holding a deno.json of version 0.1.0; removed on dispose. */
async function tempProject(): Promise<{ root: URL; text(path: string): Promise<string> } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "cao_compile_test_" });
  const root = new URL(`file://${dir}/`);
  await Deno.writeTextFile(new URL("deno.json", root), '{"version":"0.1.0"}');
  return {
    root,
    text: (path) => Deno.readTextFile(new URL(path, root)),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** A `runDeno` that writes `<target>\n` as the binary, or fails for targets in `failures`. */
function fakeDeno(root: URL, failures: Record<string, string> = {}): RunDeno & { calls: string[][] } {
  const calls: string[][] = [];
  const run = async (args: string[]) => {
    calls.push(args);
    const target = args[args.indexOf("--target") + 1];
    if (target in failures) return { code: 1, stderr: failures[target] };
    await Deno.writeTextFile(new URL(args[args.indexOf("--output") + 1], root), `${target}\n`);
    return { code: 0, stderr: "" };
  };
  return Object.assign(run, { calls });
}

Deno.test("compileRelease() builds each target and writes SHA256SUMS", async () => {
  await using project = await tempProject();
  const lines: string[] = [];
  const runDeno = fakeDeno(project.root);
  const deps: CompileDeps = { root: project.root, runDeno, log: (line) => lines.push(line) };
  assert.equal(await compileRelease("0.1.0", ["x86_64-pc-windows-msvc", "aarch64-apple-darwin"], deps), 0);
  assert.equal(runDeno.calls.length, 2);
  // sha256 of "x86_64-pc-windows-msvc\n" and "aarch64-apple-darwin\n", as computed by sha256sum.
  assert.equal(
    await project.text("dist/SHA256SUMS"),
    "19afaf54e1c73ed8d742a22e5ad23c0fc9875c0697df22365652435250dd2496  cao-0.1.0-aarch64-apple-darwin\n" +
      "23c920e087a9b3cc50152a10be1114264965ba0d6637c528fa8dba57c4d463fb  cao-0.1.0-x86_64-pc-windows-msvc.exe\n",
  );
  assert.equal(lines.at(-1), "Wrote dist/SHA256SUMS listing 2 binaries");
});

Deno.test("compileRelease() explains an unreachable runtime download and writes no SHA256SUMS", async () => {
  await using project = await tempProject();
  await Deno.mkdir(new URL("dist", project.root));
  await Deno.writeTextFile(new URL("dist/SHA256SUMS", project.root), "stale\n");
  const lines: string[] = [];
  const runDeno = fakeDeno(project.root, { "aarch64-apple-darwin": OFFLINE_STDERR });
  const deps: CompileDeps = { root: project.root, runDeno, log: (line) => lines.push(line) };
  const code = await compileRelease("0.1.0", [
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
  ], deps);
  assert.equal(code, 1);
  assert.equal(runDeno.calls.length, 2, "stops at the first failure");
  assert.equal(lines.at(-1), runtimeDownloadMessage("aarch64-apple-darwin"));
  assert.ok(!lines.join("\n").includes("Caused by"), "deno's error chain is not shown");
  await assert.rejects(project.text("dist/SHA256SUMS"), Deno.errors.NotFound);
});

Deno.test("compileRelease() shows deno's output for any other failure", async () => {
  await using project = await tempProject();
  const lines: string[] = [];
  const stderr = "TS2307 [ERROR]: Cannot find module 'file:///x/main.ts'.\n";
  const runDeno = fakeDeno(project.root, { "x86_64-apple-darwin": stderr });
  assert.equal(
    await compileRelease("0.1.0", ["x86_64-apple-darwin"], {
      root: project.root,
      runDeno,
      log: (l) => lines.push(l),
    }),
    1,
  );
  assert.deepEqual(lines.slice(1), [
    stderr.trimEnd(),
    "Cannot compile for x86_64-apple-darwin: deno compile exited with code 1 (its output is above)",
  ]);
});

Deno.test("runCompile() reads the version from deno.json and maps outcomes to exit codes", async (t) => {
  await using project = await tempProject();
  const lines: string[] = [];
  const runDeno = fakeDeno(project.root);
  const deps: CompileDeps = { root: project.root, runDeno, log: (line) => lines.push(line) };
  await t.step("build", async () => {
    assert.equal(await runCompile(["--current"], "x86_64-unknown-linux-gnu", deps), 0);
    assert.equal(runDeno.calls.at(-1)?.at(-2), "dist/cao-0.1.0-x86_64-unknown-linux-gnu");
  });
  await t.step("help", async () => {
    assert.equal(await runCompile(["--help"], "x86_64-unknown-linux-gnu", deps), 0);
    assert.match(lines.at(-1) ?? "", /^Usage: deno task compile/);
  });
  await t.step("usage error", async () => {
    assert.equal(await runCompile(["--target", "nope"], "x86_64-unknown-linux-gnu", deps), 2);
  });
  await t.step("bad deno.json", async () => {
    await Deno.writeTextFile(new URL("deno.json", project.root), "{}");
    assert.equal(await runCompile([], "x86_64-unknown-linux-gnu", deps), 1);
    assert.match(lines.at(-1) ?? "", /deno\.json has no "version"/);
  });
});
