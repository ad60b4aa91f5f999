import assert from "node:assert/strict";
import { optionName, parseCodexArgs, referencedSessionId, resumeArgs } from "../../src/codex/codex_args.ts";

const ID = "01a1fe7c-ef3e-7e72-acbd-76a3bb91d9e4";
const P = "continue";
const MOCK = ["-c", 'openai_base_url="http://127.0.0.1:9"', "--disable", "unbounded_connection_retries"];

Deno.test("parseCodexArgs() sees the bare TUI, with or without a prompt", () => {
  assert.equal(parseCodexArgs([]).kind, "interactive");
  const tui = parseCodexArgs(["-m", "o3", "fix the bug", "--search"]);
  assert.equal(tui.kind, "interactive");
  assert.equal(tui.command, null);
  assert.deepEqual(tui.rootOptions, [["-m", "o3"], ["--search"]]);
  assert.deepEqual(tui.positionals, ["fix the bug"]);
});

Deno.test("parseCodexArgs() sees exec (and its alias e), with options before and after the subcommand", () => {
  const exec = parseCodexArgs([...MOCK, "exec", "--skip-git-repo-check", "-s", "read-only", "say hi"]);
  assert.equal(exec.kind, "exec");
  assert.equal(exec.command, "exec");
  assert.deepEqual(exec.rootOptions, [MOCK.slice(0, 2), MOCK.slice(2)]);
  assert.deepEqual(exec.commandOptions, [["--skip-git-repo-check"], ["-s", "read-only"]]);
  assert.deepEqual(exec.positionals, ["say hi"]);
  assert.equal(parseCodexArgs(["e", "hi"]).kind, "exec");
});

Deno.test("parseCodexArgs() sees exec resume and its options", () => {
  const parsed = parseCodexArgs(["exec", "--json", "resume", "--last", "-m", "o3", "more"]);
  assert.equal(parsed.kind, "exec");
  assert.equal(parsed.subcommand, "resume");
  assert.deepEqual(parsed.commandOptions, [["--json"]]);
  assert.deepEqual(parsed.subcommandOptions, [["--last"], ["-m", "o3"]]);
  assert.deepEqual(parsed.positionals, ["more"]);
});

Deno.test("parseCodexArgs() treats resume and fork as interactive, other subcommands and help as pass-through", () => {
  assert.equal(parseCodexArgs(["resume", "--last"]).kind, "interactive");
  assert.equal(parseCodexArgs(["fork", ID]).kind, "interactive");
  for (
    const args of [["login", "status"], ["mcp", "list"], ["--help"], ["exec", "--help"], ["-V"], ["review"]]
  ) {
    assert.equal(parseCodexArgs(args).kind, "other", args.join(" "));
  }
});

Deno.test("parseCodexArgs() keeps attached values and a -- inside codex's arguments", () => {
  const parsed = parseCodexArgs(["--model=o3", "-mo3", "-c", "a=1", "--", "-not-an-option"]);
  assert.deepEqual(parsed.rootOptions, [["--model=o3"], ["-mo3"], ["-c", "a=1"]]);
  assert.deepEqual(parsed.positionals, ["-not-an-option"]);
  assert.equal(optionName("--model=o3"), "--model");
  assert.equal(optionName("-mo3"), "-m");
});

Deno.test("referencedSessionId() finds the id of resume, fork and exec resume", () => {
  assert.equal(referencedSessionId(parseCodexArgs(["resume", ID])), ID);
  assert.equal(referencedSessionId(parseCodexArgs(["fork", ID.toUpperCase()])), ID);
  assert.equal(referencedSessionId(parseCodexArgs(["exec", "resume", ID, "go on"])), ID);
  assert.equal(referencedSessionId(parseCodexArgs(["resume", "--last"])), null);
  assert.equal(referencedSessionId(parseCodexArgs(["exec", ID])), null);
});

Deno.test("resumeArgs() continues a TUI session with the user's options, without prompt, images or --last", () => {
  const parsed = parseCodexArgs([...MOCK, "-m", "o3", "-i", "shot.png", "--no-alt-screen", "fix it"]);
  assert.deepEqual(resumeArgs(parsed, ID, P), ["resume", ...MOCK, "-m", "o3", "--no-alt-screen", ID, P]);
  const resumed = parseCodexArgs(["-c", "a=1", "resume", "--last", "--all", "-s", "read-only"]);
  assert.deepEqual(resumeArgs(resumed, ID, P), ["resume", "-c", "a=1", "-s", "read-only", ID, P]);
});

Deno.test("resumeArgs() continues codex exec with exec resume, keeping exec's options before resume", () => {
  const parsed = parseCodexArgs([...MOCK, "exec", "--skip-git-repo-check", "-C", "/w", "--json", "say hi"]);
  assert.deepEqual(resumeArgs(parsed, ID, P), [
    ...MOCK,
    "exec",
    "--skip-git-repo-check",
    "-C",
    "/w",
    "--json",
    "resume",
    ID,
    P,
  ]);
});

Deno.test("resumeArgs() keeps only the options exec resume accepts after resume", () => {
  const parsed = parseCodexArgs([
    "exec",
    "resume",
    "--last",
    "--all",
    "-m",
    "o3",
    "-i",
    "x.png",
    "--json",
    "go",
  ]);
  assert.deepEqual(resumeArgs(parsed, ID, P), ["exec", "resume", "-m", "o3", "--json", ID, P]);
  const review = parseCodexArgs(["exec", "review", "--uncommitted", "-c", "a=1"]);
  assert.deepEqual(resumeArgs(review, ID, P), ["exec", "resume", "-c", "a=1", ID, P]);
});

Deno.test("resumeArgs() leaves the prompt out when it was queued", () => {
  assert.deepEqual(resumeArgs(parseCodexArgs(["-m", "o3", "hi"]), ID, null), ["resume", "-m", "o3", ID]);
});

Deno.test("resumeArgs() has nothing to offer for pass-through subcommands", () => {
  assert.equal(resumeArgs(parseCodexArgs(["login"]), ID, P), null);
});
