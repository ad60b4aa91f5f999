/**
 * `cao run`'s loop in-process, against a fake codex (a shell script) that writes the rollout lines the real
 * Codex writes on a usage limit or a success: fast checks of selection, passes, messages and status records.
 * The real Codex CLI is exercised in tests/integration/run_test.ts.
 */
import assert from "node:assert/strict";
import { fakeAuthJson } from "../support/fake_auth.ts";
import { makeTempHome, runCaoInProcess, type TempHome } from "../support/run_cao.ts";

const ID = "01a1fe7c-ef3e-7e72-acbd-76a3bb91d9e4";
const ignore = Deno.build.os === "windows";

/**
 * A fake codex: answers `exec resume --help` with nothing, logs `<account> <args>` to calls.log, exits with `exit.txt` when present (a pass-through
 * run), else writes a limited turn (exit 1) for the accounts listed in limited.txt and a good one (exit 0)
 * for the others.
 */
async function fakeCodex(home: TempHome): Promise<string> {
  const limit = JSON.stringify({
    timestamp: "2026-11-21T14:00:00.000Z",
    type: "event_msg",
    payload: {
      type: "task_complete",
      error: {
        message: "You’ve hit your usage limit. Try again later.",
        codex_error_info: "usage_limit_exceeded",
      },
    },
  });
  const ok = JSON.stringify({
    type: "event_msg",
    payload: { type: "task_complete", last_agent_message: "hi" },
  });
  const path = `${home.dir}/codex.sh`;
  await Deno.writeTextFile(
    path,
    `#!/bin/sh
# cao asks "exec resume --help" for the options to keep; an empty help leaves it its built-in table.
[ "$*" = "exec resume --help" ] && exit 0
acct=$(basename "$CODEX_HOME")
echo "$acct $*" >> "${home.dir}/calls.log"
[ -f "${home.dir}/exit.txt" ] && exit "$(cat "${home.dir}/exit.txt")"
dir="$CODEX_HOME/sessions/2026/11/21"
mkdir -p "$dir"
file="$dir/rollout-2026-11-21T14-00-00-${ID}.jsonl"
if grep -qx "$acct" "${home.dir}/limited.txt" 2>/dev/null; then
  if [ -f "${home.dir}/reset.txt" ]; then
    echo '{"type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":{"primary":{"used_percent":100,"window_minutes":300,"resets_at":'"$(cat "${home.dir}/reset.txt")"'}}}}' >> "$file"
  fi
  echo '${limit}' >> "$file"
  exit 1
fi
echo '${ok}' >> "$file"
`,
    { mode: 0o755 },
  );
  return path;
}

async function setup(names: string[], limited: string[]) {
  const home = await makeTempHome();
  for (const name of names) {
    assert.equal((await runCaoInProcess(home, ["add", name, "--no-login"])).code, 0);
    await Deno.writeTextFile(
      `${home.caoHome}/${name}/auth.json`,
      JSON.stringify(fakeAuthJson({ accountId: name })),
    );
  }
  await Deno.writeTextFile(`${home.dir}/limited.txt`, limited.map((n) => `${n}\n`).join(""));
  return { home, codex: await fakeCodex(home) };
}

/** The codex runs the fake saw, without cao asking it for its options (`exec resume --help`). */
async function calls(home: TempHome): Promise<string[]> {
  return (await Deno.readTextFile(`${home.dir}/calls.log`).catch(() => "")).trim().split("\n").filter((l) =>
    l && !l.endsWith(" --help")
  );
}

/** Holds an account's run lock the way another `cao run` does, until disposed. */
async function holdRunLock(home: TempHome, name: string): Promise<AsyncDisposable> {
  const file = await Deno.open(`${home.caoHome}/${name}/.cao-run.lock`, {
    read: true,
    write: true,
    create: true,
    mode: 0o600,
  });
  await file.lock(true);
  return {
    async [Symbol.asyncDispose]() {
      await file.unlock();
      file.close();
    },
  };
}

async function statusOf(home: TempHome, name: string) {
  return JSON.parse(await Deno.readTextFile(`${home.caoHome}/account_status.json`)).accounts[name];
}

Deno.test({
  name: "cao run moves on after a limit and resumes the session with exec resume",
  ignore,
  async fn() {
    const { home, codex } = await setup(["a", "b", "c"], ["a"]);
    await using _ = home;
    const r = await runCaoInProcess(home, ["--codex", codex, "run", "--", "exec", "--json", "do it"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await calls(home), [
      "a exec --json do it",
      `b exec --json resume ${ID} Please continue where you left off: your previous turn was cut short by a usage limit.`,
    ]);
    assert.match(r.stderr, /"a" hit its usage limit until .* \(in 1h\); continuing the conversation on "b"/);
    const a = await statusOf(home, "a");
    assert.ok(a.cooldownUntil, "the default cooldown applies when no reset is known");
    assert.equal((await statusOf(home, "b")).successes, 1);
  },
});

Deno.test({
  name: "cao run goes round the list --max-passes times, then names the first reset",
  ignore,
  async fn() {
    const { home, codex } = await setup(["a", "b"], ["a", "b"]);
    await using _ = home;
    const r = await runCaoInProcess(home, [
      "--codex",
      codex,
      "run",
      "--max-passes",
      "1",
      "--default-cooldown",
      "30",
      "--resume-prompt",
      "go on",
      "--",
      "exec",
      "x",
    ]);
    assert.equal(r.code, 1);
    assert.deepEqual(await calls(home), ["a exec x", `b exec resume ${ID} go on`]);
    assert.match(
      r.stderr,
      /error: Cannot continue: every account hit its usage limit in this run; "a" resets first/,
    );
    assert.match(r.stderr, /in 30m/);
  },
});

Deno.test({
  name: "cao run keeps Codex's reset, and turns one that just passed into a one-second cooldown",
  ignore,
  async fn() {
    const { home, codex } = await setup(["a", "b"], ["a"]);
    await using _ = home;
    const passed = Math.floor(Date.now() / 1000) - 5;
    await Deno.writeTextFile(`${home.dir}/reset.txt`, String(passed));
    const before = Date.now();
    const r = await runCaoInProcess(home, ["--codex", codex, "run", "--", "exec", "x"]);
    assert.equal(r.code, 0, r.stderr);
    const until = Date.parse((await statusOf(home, "a")).cooldownUntil);
    assert.ok(
      until > before && until < Date.now() + 60_000,
      `not the default hour: ${new Date(until).toISOString()}`,
    );

    const later = Math.floor(Date.now() / 1000) + 7200;
    await Deno.writeTextFile(`${home.dir}/reset.txt`, String(later));
    await Deno.writeTextFile(`${home.caoHome}/account_status.json`, "{}");
    assert.equal((await runCaoInProcess(home, ["--codex", codex, "run", "--", "exec", "x"])).code, 0);
    assert.equal((await statusOf(home, "a")).cooldownUntil, new Date(later * 1000).toISOString());
  },
});

Deno.test({
  name: "cao run starts on the next account when the default cools down, and says so",
  ignore,
  async fn() {
    const { home, codex } = await setup(["a", "b"], []);
    await using _ = home;
    const until = new Date(Date.now() + 3_600_000).toISOString();
    await Deno.writeTextFile(
      `${home.caoHome}/account_status.json`,
      JSON.stringify({ schemaVersion: 1, accounts: { a: { cooldownUntil: until } } }),
    );
    const r = await runCaoInProcess(home, ["--codex", codex, "run", "--", "exec", "x"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the default account "a" is cooling down until .*; starting on "b"/);
    assert.deepEqual(await calls(home), ["b exec x"]);
  },
});

Deno.test({
  name: "cao run clears a cooldown whose reset has passed",
  ignore,
  async fn() {
    const { home, codex } = await setup(["a"], []);
    await using _ = home;
    await Deno.writeTextFile(
      `${home.caoHome}/account_status.json`,
      JSON.stringify({ schemaVersion: 1, accounts: { a: { cooldownUntil: "2020-01-01T00:00:00.000Z" } } }),
    );
    const r = await runCaoInProcess(home, ["--codex", codex, "run", "--", "exec", "x"]);
    assert.equal(r.code, 0, r.stderr);
    const a = await statusOf(home, "a");
    assert.equal(a.cooldownUntil, null);
    assert.equal(a.attempts, 1);
  },
});

Deno.test({
  name: "cao run passes other codex subcommands through once and records nothing",
  ignore,
  async fn() {
    const { home, codex } = await setup(["a", "b"], []);
    await using _ = home;
    await Deno.writeTextFile(`${home.dir}/exit.txt`, "3");
    const r = await runCaoInProcess(home, ["--codex", codex, "run", "--", "mcp", "list"]);
    assert.equal(r.code, 3);
    assert.deepEqual(await calls(home), ["a mcp list"]);
    assert.equal((await statusOf(home, "a"))?.attempts ?? 0, 0);
  },
});

Deno.test("cao run refuses bad options and an empty registry", async () => {
  await using home = await makeTempHome();
  const empty = await runCaoInProcess(home, ["run", "--", "exec", "x"]);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /no accounts are registered[\s\S]*cao add <name>/);
  assert.equal((await runCaoInProcess(home, ["add", "a", "--no-login"])).code, 0);
  const passes = await runCaoInProcess(home, ["run", "--max-passes", "0", "--", "exec", "x"]);
  assert.equal(passes.code, 2);
  assert.match(passes.stderr, /Cannot use --max-passes "0"/);
  const gateway = await runCaoInProcess(home, ["run", "--gateway", "--wait"]);
  assert.equal(gateway.code, 2);
  assert.match(gateway.stderr, /Cannot use --wait with --gateway/);
  const nobody = await runCaoInProcess(home, ["run", "--", "exec", "x"]);
  assert.equal(nobody.code, 1);
  assert.match(nobody.stderr, /no account can be used \("a" cannot be used \(not logged in\)\)/);
});

Deno.test({
  name: "cao run leaves an account another cao run holds, says so, and releases its own lock",
  ignore,
  async fn() {
    const { home, codex } = await setup(["a", "b"], []);
    await using _ = home;
    await using _a = await holdRunLock(home, "a");
    const r = await runCaoInProcess(home, ["--codex", codex, "run", "--", "exec", "x"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await calls(home), ["b exec x"]);
    assert.match(r.stderr, /cao: "a" is in use by another cao run; using "b" instead/);
    assert.doesNotMatch(r.stderr, /default account/, "one line, not two");
    const lock = `${home.caoHome}/b/.cao-run.lock`;
    assert.equal((await Deno.stat(lock)).mode! & 0o777, 0o600);
    await using _b = await holdRunLock(home, "b");
    const again = await runCaoInProcess(home, ["--codex", codex, "run", "--", "exec", "y"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await calls(home)).at(-1), "a exec y", "b's lock was released; a is free of it too");
  },
});

Deno.test({
  name: "cao run with every account in use runs the first anyway and acts on no usage limit",
  ignore,
  async fn() {
    const { home, codex } = await setup(["a", "b"], ["a"]);
    await using _ = home;
    await using _a = await holdRunLock(home, "a");
    await using _b = await holdRunLock(home, "b");
    const r = await runCaoInProcess(home, ["--codex", codex, "run", "--", "exec", "x"]);
    assert.equal(r.code, 1, "codex's own exit code");
    assert.deepEqual(await calls(home), ["a exec x"], "no resume elsewhere");
    const shared = r.stderr.split("\n").filter((l) => l.includes("in use by another cao run"));
    assert.deepEqual(shared, [
      'cao: every usable account is in use by another cao run; running on "a" anyway, without acting on usage ' +
      "limits (they may be the other run's)",
    ]);
    assert.match(r.stderr, /"a" hit its usage limit .*; not continuing on another account \(another cao run/);
    assert.doesNotMatch(r.stderr, /continuing the conversation/);
  },
});

Deno.test({
  name: "cao run --account on an account in use runs it anyway, with a note",
  ignore,
  async fn() {
    const { home, codex } = await setup(["a", "b"], []);
    await using _ = home;
    await using _b = await holdRunLock(home, "b");
    const r = await runCaoInProcess(home, ["--codex", codex, "run", "--account", "b", "--", "exec", "x"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await calls(home), ["b exec x"]);
    assert.match(
      r.stderr,
      /cao: "b" is in use by another cao run; running it anyway as --account asks, without acting on usage limits/,
    );
  },
});

Deno.test({
  name: "cao run --gateway exits 128+N for any signal that ended codex",
  ignore,
  async fn() {
    await using home = await makeTempHome();
    const gateway: typeof fetch = (input, init) =>
      Promise.resolve(
        new Headers(init?.headers).get("x-cao-gateway-key") !== "test-key"
          ? new Response("forbidden", { status: 403 })
          : String(input).endsWith("/status")
          ? Response.json({ service: "cao-gateway" })
          : String(input).endsWith("/run-key")
          ? new Response('{"key":"sk-cao-gw-run-test"}\n')
          : new Response("not found", { status: 404 }),
      );
    for (const [signal, code] of [["QUIT", 131], ["ABRT", 134], ["TERM", 143]] as const) {
      const codex = `${home.dir}/codex-${signal}.sh`;
      await Deno.writeTextFile(codex, `#!/bin/sh\nulimit -c 0\nkill -${signal} $$\n`, { mode: 0o755 });
      const r = await runCaoInProcess(
        home,
        ["--codex", codex, "run", "--gateway-url", "http://127.0.0.1:9", "--", "exec", "x"],
        { env: { CAO_GATEWAY_KEY: "test-key" }, fetch: gateway },
      );
      assert.equal(r.code, code, `SIG${signal}: ${r.stderr}`);
    }
  },
});
