/**
 * `cao run` on a real terminal: codex must get the terminal itself (checked with `script`, which gives cao
 * a pseudo-terminal), and the interactive TUI of the real Codex CLI 0.169, run by cao inside tmux, must be
 * stopped when it hits a usage limit and the conversation continued on the next account. Without tmux or
 * `script` these tests are skipped, except on CI (`CI=true`), where they fail.
 */
import assert from "node:assert/strict";
import { onPath, requireTool, skipMissing } from "../support/ci_tools.ts";
import { codex171Binary } from "../support/codex_bin.ts";
import { caoCommandLine } from "../support/run_cao.ts";
import { startMockUpstream } from "../support/mock_upstream.ts";
import { makeRunHome, mockArgs, readStatus, type RunHome } from "../support/run_fixture.ts";
import { waitFor } from "../support/wait.ts";

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

const WINDOWS = Deno.build.os === "windows";
// CI installs tmux; `script` ships with Linux and macOS.
const SCRIPT = WINDOWS ? null : await onPath("script");
const TMUX = WINDOWS ? null : await onPath("tmux");

/** Skipped on Windows, and where `path` is missing unless on CI (where {@link requireTool} fails instead). */
function skipWithout(path: string | null): boolean {
  return WINDOWS || skipMissing(path === null);
}

/** `script` running `command` on a new pseudo-terminal: util-linux and BSD spell it differently. */
function scriptArgs(command: string): string[] {
  return Deno.build.os === "linux" ? ["-qec", command, "/dev/null"] : ["-q", "/dev/null", command];
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * A shell script that runs `cao <args>` in the home's workdir, then records the exit code and stty state
 * (and, with `hold`, keeps the terminal open so its screen can still be read).
 */
async function caoScript(home: RunHome, args: string[], hold = false): Promise<string> {
  const env = {
    HOME: home.userHome,
    CAO_HOME: home.caoHome,
    CODEX_HOME: `${home.userHome}/.codex`,
    ...home.env,
  };
  const lines = [
    "#!/bin/sh",
    ...Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}`),
    "unset NO_COLOR",
    `cd ${quote(home.workdir)}`,
    caoCommandLine(args).map(quote).join(" "),
    "code=$?",
    `stty -a > ${quote(`${home.dir}/stty`)} 2>&1`,
    `echo $code > ${quote(`${home.dir}/exit`)}`,
    ...(hold ? ["sleep 120"] : []),
  ];
  const path = `${home.dir}/cao.sh`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n", { mode: 0o755 });
  return path;
}

async function output(command: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(command, { args, stdin: "null", stdout: "piped", stderr: "piped" })
    .output();
  return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
}

Deno.test({
  name: "cao run hands codex the terminal: [ -t 0 ], [ -t 1 ] and [ -t 2 ] hold under script",
  ignore: skipWithout(SCRIPT),
  async fn() {
    const scriptPath = requireTool("script", SCRIPT);
    await using mock = await startMockUpstream();
    await using home = await makeRunHome([{ name: "a", accountId: "acct_a" }], mock.url);
    const fake = `${home.dir}/fake-codex.sh`;
    await Deno.writeTextFile(
      fake,
      [
        "#!/bin/sh",
        '[ -t 0 ] && echo "stdin: terminal" || echo "stdin: not a terminal"',
        '[ -t 1 ] && echo "stdout: terminal" || echo "stdout: not a terminal"',
        '[ -t 2 ] && echo "stderr: terminal" || echo "stderr: not a terminal"',
        'echo "home: $CODEX_HOME"',
        'for a in "$@"; do echo "arg: $a"; done',
      ].join("\n") + "\n",
      { mode: 0o755 },
    );
    const script = await caoScript(home, [
      "run",
      "--codex",
      fake,
      "--",
      "-c",
      'model="o3"',
      "exec",
      "two words",
    ]);
    const text = await output(scriptPath, scriptArgs(script));
    assert.match(text, /stdin: terminal/);
    assert.match(text, /stdout: terminal/);
    assert.match(text, /stderr: terminal/);
    assert.match(text, new RegExp(`home: ${home.caoHome}/a`));
    assert.match(
      text,
      /arg: -c\r?\narg: model="o3"\r?\narg: exec\r?\narg: two words/,
      "arguments arrive untouched",
    );
    assert.equal((await Deno.readTextFile(`${home.dir}/exit`)).trim(), "0");
  },
});

Deno.test({
  name: "cao run: the Codex TUI in a terminal hits a limit, is stopped, and continues on the next account",
  ignore: skipWithout(TMUX),
  async fn() {
    const tmuxPath = requireTool("tmux", TMUX);
    const resetsAt = Math.floor(Date.now() / 1000) + 1800;
    await using mock = await startMockUpstream({
      responses: { acct_a: { kind: "usage_limit", resetsAt }, acct_b: "ok" },
    });
    await using home = await makeRunHome(
      [{ name: "a", accountId: "acct_a" }, { name: "b", accountId: "acct_b" }],
      mock.url,
    );
    const script = await caoScript(home, ["run", "--", ...mockArgs(mock.url), "hello from the tui"], true);
    const socket = `cao-test-${crypto.randomUUID().slice(0, 8)}`;
    const tmux = (...args: string[]) => output(tmuxPath, ["-L", socket, "-f", "/dev/null", ...args]);
    const pane = () => tmux("capture-pane", "-p", "-J", "-S", "-300");
    try {
      await tmux("new-session", "-d", "-x", "120", "-y", "40", script);
      const continued = () =>
        mock.responsesRequests("acct_b").some((r) =>
          r.text.includes("hello from the tui") && /continue/i.test(r.text)
        );
      await waitFor(continued, { what: "the conversation to continue on b", timeoutMs: 60_000 }).catch(
        async (error) => {
          const requests = mock.requests.map((r) => `${r.method} ${r.path} ${r.accountId} ${r.answer}`).join(
            "\n",
          );
          const ps = await output("ps", ["-eo", "pid,ppid,args"]);
          const codex = ps.split("\n").filter((l) => l.includes(home.dir) || l.includes("codex")).join("\n");
          throw new Error(
            `${error.message}; the terminal shows:\n${await pane()}\nrequests:\n${requests}\n${codex}`,
          );
        },
      );
      await waitFor(async () => (await pane()).includes("hello from acct_b"), {
        what: "b's answer in the TUI",
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      const a = await readStatus(home, "a");
      assert.equal(a.cooldownUntil, new Date(resetsAt * 1000).toISOString());
      // Quit the TUI the way a user does: Ctrl-C on an empty composer (sent again only if it did not quit).
      await waitFor(async () => {
        await tmux("send-keys", "C-c");
        const quit = () => exists(`${home.dir}/exit`);
        return await waitFor(quit, { what: "the TUI to quit on Ctrl-C", timeoutMs: 3000 }).catch(() => false);
      }, { what: "the TUI to quit", timeoutMs: 30_000 });
      assert.match(await pane(), /cao: "a" hit its usage limit until .*; continuing the conversation on "b"/);
      assert.equal((await Deno.readTextFile(`${home.dir}/exit`)).trim(), "0");
      const stty = await Deno.readTextFile(`${home.dir}/stty`);
      assert.match(stty, /(^|\s)icanon(\s|$)/, `the terminal is back in canonical mode:\n${stty}`);
      assert.match(stty, /(^|\s)echo(\s|$)/);
      const b = await readStatus(home, "b");
      assert.equal(b.attempts, 1);
      assert.equal(b.failures, 0);
    } finally {
      await tmux("kill-server");
    }
  },
});

const CODEX_171 = await codex171Binary();

Deno.test({
  name: "cao run: Codex 0.171's TUI continued on the next account keeps the conversation's title",
  ignore: skipWithout(TMUX) || skipMissing(CODEX_171 === null),
  async fn() {
    const tmuxPath = requireTool("tmux", TMUX);
    const codex171Path = requireTool("codex 0.171.0 (CAO_TEST_CODEX_171)", CODEX_171);
    await using mock = await startMockUpstream({
      responses: { acct_a: { kind: "usage_limit" }, acct_b: "ok" },
    });
    await using home = await makeRunHome(
      [{ name: "a", accountId: "acct_a" }, { name: "b", accountId: "acct_b" }],
      mock.url,
    );
    home.env.CAO_CODEX_BIN = codex171Path;
    const script = await caoScript(home, ["run", "--", ...mockArgs(mock.url), "the original title"], true);
    const socket = `cao-test-${crypto.randomUUID().slice(0, 8)}`;
    const tmux = (...args: string[]) => output(tmuxPath, ["-L", socket, "-f", "/dev/null", ...args]);
    const pane = () => tmux("capture-pane", "-p", "-J", "-S", "-300");
    try {
      await tmux("new-session", "-d", "-x", "160", "-y", "40", script);
      await waitFor(async () => (await pane()).includes("hello from acct_b"), {
        what: "b's answer in the TUI",
        timeoutMs: 90_000,
        intervalMs: 200,
      }).catch(async (error) => {
        throw new Error(`${error.message}; the terminal shows:\n${await pane()}`);
      });
      const screen = await pane();
      const footer = screen.split("\n").findLast((line) => /gpt-|GPT-/.test(line)) ?? "";
      assert.match(footer, /the original title/, `the footer keeps the title:\n${screen}`);
      assert.doesNotMatch(footer, /Please continue/, "cao's resume prompt is not the title");
    } finally {
      await tmux("kill-server");
    }
  },
});
