/**
 * `cao gateway enable|disable|start|status|stop` and `cao reserve` through the real CLI: in-process for the
 * config edits, as a child process for a detached gateway.
 */

import assert from "node:assert/strict";
import { previousToRecord, privateMode } from "../../src/cli/gateway_enable.ts";
import { disableInConfig, enableInConfig } from "../../src/gateway/codex_config_edit.ts";
import { parseToml } from "../../src/deps/toml.ts";
import { makeTempHome, runCaoInProcess, runCaoProcess } from "../support/run_cao.ts";

const USER_CONFIG = `# my codex settings
model = "gpt-5.5" # the good one

# profiles below
[profiles.fast]
model = "o4-mini"

[features]
# keep me
plugins = true
`;

Deno.test("enableInConfig() adds one line at the top; disableInConfig() takes exactly it out", () => {
  const on = enableInConfig(USER_CONFIG, "http://127.0.0.1:4319/k/sk-cao-gw-x");
  assert.equal(on.kind, "added");
  assert.equal(on.text.split("\n").slice(1).join("\n"), USER_CONFIG);
  assert.equal(enableInConfig(on.text, "http://127.0.0.1:4319/k/sk-cao-gw-x").kind, "unchanged");
  const edited = on.text.replace("plugins = true", "plugins = true\napps = false # mine");
  const off = disableInConfig(edited, { value: "http://127.0.0.1:4319/k/sk-cao-gw-x", previous: null });
  assert.equal(off.kind, "removed");
  assert.equal(off.text, USER_CONFIG.replace("plugins = true", "plugins = true\napps = false # mine"));
  const withOwn = `openai_base_url = "https://proxy.example/v1" # mine\n${USER_CONFIG}`;
  const replaced = enableInConfig(withOwn, "http://127.0.0.1:1/k/sk-cao-gw-x");
  assert.equal(replaced.kind === "replaced" && replaced.previous, "https://proxy.example/v1");
  const restored = disableInConfig(replaced.text, {
    value: "http://127.0.0.1:1/k/sk-cao-gw-x",
    previous: "https://proxy.example/v1",
  });
  assert.equal(restored.text, withOwn);
  const changed = disableInConfig(withOwn, { value: "http://127.0.0.1:1/k/sk-cao-gw-x", previous: null });
  assert.equal(changed.kind, "unchanged");
  assert.throws(() => enableInConfig("not = [valid", "x"));
});

Deno.test("cao gateway enable/disable round trip keeps the user's comments and edits", async () => {
  await using home = await makeTempHome();
  const config = `${home.userHome}/.codex/config.toml`;
  await Deno.writeTextFile(config, USER_CONFIG);
  const on = await runCaoInProcess(home, ["gateway", "enable"]);
  assert.equal(on.code, 0, on.stderr);
  assert.match(on.stdout, /Set openai_base_url in .*config\.toml/);
  assert.match(on.stderr, /no gateway answers/);
  const enabled = await Deno.readTextFile(config);
  const [added, ...rest] = enabled.split("\n");
  assert.match(
    added,
    /^openai_base_url = "http:\/\/127\.0\.0\.1:4319\/k\/sk-cao-gw-[A-Za-z0-9_-]+" # added by "cao gateway enable"/,
  );
  assert.equal(rest.join("\n"), USER_CONFIG);
  assert.equal(on.stdout.includes("sk-cao-gw-"), false, "the key is not printed");

  const again = await runCaoInProcess(home, ["gateway", "enable"]);
  assert.match(again.stdout, /Already enabled/);
  assert.equal(await Deno.readTextFile(config), enabled);

  await Deno.writeTextFile(config, enabled.replace("# keep me", "# keep me\napps = false # added by hand"));
  const off = await runCaoInProcess(home, ["gateway", "disable"]);
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.stdout, /Removed openai_base_url/);
  assert.equal(
    await Deno.readTextFile(config),
    USER_CONFIG.replace("# keep me", "# keep me\napps = false # added by hand"),
  );
  const twice = await runCaoInProcess(home, ["gateway", "disable"]);
  assert.match(twice.stdout, /Nothing to disable/);
});

Deno.test("cao gateway enable makes config.toml private, since the value it writes holds the key", async () => {
  await using home = await makeTempHome();
  const config = `${home.userHome}/.codex/config.toml`;
  await Deno.writeTextFile(config, USER_CONFIG, { mode: 0o644 });
  await Deno.chmod(config, 0o644);
  const on = await runCaoInProcess(home, ["gateway", "enable"]);
  assert.equal(on.code, 0, on.stderr);
  assert.equal((await Deno.stat(config)).mode! & 0o777, 0o600);
  assert.match(on.stdout, /Made .*config\.toml readable by you only \(mode 0600\)/);
  assert.equal(on.stdout.includes("sk-cao-gw-"), false, "the key is not printed");
  // Enabled by an older cao that kept 0644: a repeated enable repairs the mode.
  await Deno.chmod(config, 0o640);
  const again = await runCaoInProcess(home, ["gateway", "enable"]);
  assert.match(again.stdout, /Already enabled/);
  assert.equal((await Deno.stat(config)).mode! & 0o777, 0o600);
  await assert.rejects(
    Deno.lstat(`${config}.cao.lock`),
    Deno.errors.NotFound,
    "no lock left beside the file",
  );
  assert.equal(
    (await Deno.lstat(`${home.caoHome}/codex-config.lock`)).isFile,
    true,
    "edited under a cao lock",
  );
});

Deno.test("cao gateway disable restores the user's value after a second enable on another port", async () => {
  await using home = await makeTempHome();
  const config = `${home.userHome}/.codex/config.toml`;
  const own = `openai_base_url = "https://proxy.example/v1" # mine\n${USER_CONFIG}`;
  await Deno.writeTextFile(config, own);
  assert.equal((await runCaoInProcess(home, ["gateway", "enable"])).code, 0);
  const gatewayJson = `${home.caoHome}/gateway.json`;
  const doc = JSON.parse(await Deno.readTextFile(gatewayJson));
  await Deno.writeTextFile(gatewayJson, JSON.stringify({ ...doc, port: 4400 }));
  const moved = await runCaoInProcess(home, ["gateway", "enable"]);
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(moved.stdout, /it named an earlier cao gateway address/);
  assert.match(await Deno.readTextFile(config), /127\.0\.0\.1:4400\/k\//);
  const off = await runCaoInProcess(home, ["gateway", "disable"]);
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.stdout, /Restored openai_base_url = "https:\/\/proxy\.example\/v1"/);
  assert.equal(await Deno.readTextFile(config), own);
});

Deno.test("previousToRecord() keeps the user's value over cao's own and earlier gateway URLs", () => {
  const recorded = { configPath: "c", value: "http://127.0.0.1:1/k/sk-cao-gw-old", previous: "mine" };
  const replaced = (previous: string) => ({ kind: "replaced" as const, text: "", previous });
  assert.equal(previousToRecord(replaced("http://127.0.0.1:9/k/sk-cao-gw-other"), recorded), "mine");
  assert.equal(previousToRecord(replaced(recorded.value), recorded), "mine");
  assert.equal(previousToRecord(replaced("http://127.0.0.1:9/k/sk-cao-gw-other"), null), null);
  assert.equal(previousToRecord(replaced("https://proxy.example"), recorded), "https://proxy.example");
  assert.equal(previousToRecord({ kind: "added", text: "" }, recorded), null);
  assert.equal(previousToRecord({ kind: "unchanged", text: "" }, recorded), "mine");
  assert.equal(privateMode(0o644), 0o600);
  assert.equal(privateMode(0o755), 0o700);
  assert.equal(privateMode(null), 0o600);
});

Deno.test("cao gateway enable/disable edit a symlinked config.toml where it points; the link stays", async () => {
  await using home = await makeTempHome();
  const config = `${home.userHome}/.codex/config.toml`;
  const dotfiles = `${home.userHome}/dotfiles/codex`;
  await Deno.mkdir(dotfiles, { recursive: true });
  await Deno.writeTextFile(`${dotfiles}/config.toml`, USER_CONFIG);
  await Deno.symlink("../dotfiles/codex/config.toml", config);
  const on = await runCaoInProcess(home, ["gateway", "enable"]);
  assert.equal(on.code, 0, on.stderr);
  assert.equal((await Deno.lstat(config)).isSymlink, true, "the link stays a link");
  assert.match(await Deno.readTextFile(`${dotfiles}/config.toml`), /^openai_base_url = "http:\/\/127/);
  assert.equal((await Deno.stat(`${dotfiles}/config.toml`)).mode! & 0o777, 0o600);
  const off = await runCaoInProcess(home, ["gateway", "disable"]);
  assert.equal(off.code, 0, off.stderr);
  assert.equal((await Deno.lstat(config)).isSymlink, true);
  assert.equal(await Deno.readTextFile(`${dotfiles}/config.toml`), USER_CONFIG);
});

Deno.test("cao reserve sets, shows and clears an account's reserve", async () => {
  await using home = await makeTempHome();
  assert.equal((await runCaoInProcess(home, ["add", "work", "--no-login"])).code, 0);
  const set = await runCaoInProcess(home, ["reserve", "work", "80%"]);
  assert.equal(set.code, 0, set.stderr);
  const registry = JSON.parse(await Deno.readTextFile(`${home.caoHome}/registry.json`));
  assert.equal(registry.accounts[0].reservePercent, 80);
  assert.match((await runCaoInProcess(home, ["reserve", "work"])).stdout, /80%/);
  assert.equal((await runCaoInProcess(home, ["reserve", "work", "150"])).code, 2);
  assert.match((await runCaoInProcess(home, ["reserve", "work", "off"])).stdout, /reserve off/);
  assert.equal((await runCaoInProcess(home, ["reserve", "nobody", "10"])).code, 2);
});

Deno.test("cao gateway start --detach, status and stop manage a background gateway", async () => {
  await using home = await makeTempHome();
  assert.equal((await runCaoProcess(home, ["add", "work", "--no-login"])).code, 0);
  const saved = await runCaoProcess(home, [
    "gateway",
    "start",
    "--port",
    "0",
    "--switch-at",
    "90",
    "--save",
    "--detach",
  ]);
  assert.equal(saved.code, 0, saved.stderr);
  assert.match(saved.stdout, /Saved to .*gateway\.json: port, switchAt/);
  assert.match(saved.stdout, /cao gateway running at http:\/\/127\.0\.0\.1:\d+ \(pid \d+\)/);
  try {
    const status = await runCaoProcess(home, ["gateway", "status", "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const doc = JSON.parse(status.stdout);
    assert.equal(doc.running, true);
    assert.equal(doc.switchAt, 90);
    assert.deepEqual(doc.accounts.map((a: { name: string; state: string }) => [a.name, a.state]), [[
      "work",
      "needs-login",
    ]]);
    const twice = await runCaoProcess(home, ["gateway", "start", "--detach"]);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /already running/);
  } finally {
    const stop = await runCaoProcess(home, ["gateway", "stop"]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /Stopped the cao gateway/);
  }
  const after = await runCaoProcess(home, ["gateway", "status"]);
  assert.equal(after.code, 1);
  assert.match(after.stdout, /No cao gateway answers/);
  const log = await Deno.readTextFile(`${home.caoHome}/gateway.log`);
  assert.match(log, /listening on/);
  assert.match(log, /stopped/);
});

Deno.test("cao gateway start --detach on a busy port logs why and quotes it", async () => {
  await using home = await makeTempHome();
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = String(busy.addr.port);
  await Deno.mkdir(home.caoHome, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(`${home.caoHome}/gateway.log`, "cao gateway stopped\n", { mode: 0o600 });
  const start = await runCaoProcess(home, ["gateway", "start", "--port", port, "--detach"]);
  assert.equal(start.code, 1, start.stderr);
  assert.match(
    start.stderr,
    new RegExp(`it exited, saying "error: Cannot start the gateway: 127\\.0\\.0\\.1:${port} is in use`),
  );
  const log = await Deno.readTextFile(`${home.caoHome}/gateway.log`);
  assert.match(
    log,
    new RegExp(`\\nerror: Cannot start the gateway: 127\\.0\\.0\\.1:${port} is in use \\(hint: `),
  );
  assert.equal((await Deno.stat(`${home.caoHome}/gateway.log`)).mode! & 0o777, 0o600);
});

Deno.test("cao gateway start refuses a non-loopback bind without --allow-remote, and bad flags", async () => {
  await using home = await makeTempHome();
  const remote = await runCaoInProcess(home, ["gateway", "start", "--bind", "0.0.0.0"]);
  assert.equal(remote.code, 2);
  assert.match(remote.stderr, /--allow-remote/);
  const port = await runCaoInProcess(home, ["gateway", "start", "--port", "http"]);
  assert.equal(port.code, 2);
  assert.match(port.stderr, /--port "http"/);
  const stop = await runCaoInProcess(home, ["gateway", "stop"]);
  assert.equal(stop.code, 0);
  assert.match(stop.stdout, /No cao gateway is running/);
});

Deno.test("cao gateway start words --default-cooldown one way: help, README, a bad flag, a bad gateway.json", async () => {
  await using home = await makeTempHome();
  const meaning = "cooldown after a usage limit whose reset time is unknown or already past";
  const takes = "a number of minutes, at least 0";
  const help = await runCaoProcess(home, ["gateway", "start", "--help"]);
  assert.match(help.stdout.replace(/\s+/g, " "), new RegExp(`--default-cooldown <minutes> ${meaning} \\(`));
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const row = readme.split("\n").find((line) => line.startsWith("| `--default-cooldown <minutes>` | 60 "));
  assert.match(row ?? "", new RegExp(`\\| ${meaning} \\(`), "the gateway's table in the README");
  const flag = await runCaoInProcess(home, ["gateway", "start", "--default-cooldown", "-1"]);
  assert.equal(flag.code, 2);
  assert.equal(flag.stderr.split("\n")[0], `error: Cannot use --default-cooldown "-1": expected ${takes}`);
  await Deno.mkdir(home.caoHome, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(
    `${home.caoHome}/gateway.json`,
    JSON.stringify({ schemaVersion: 1, defaultCooldownMinutes: -5 }),
    { mode: 0o600 },
  );
  const saved = await runCaoInProcess(home, ["gateway", "start", "--port", "0"]);
  assert.equal(saved.code, 2);
  assert.match(saved.stderr, new RegExp(`--default-cooldown -5 in gateway.json: expected ${takes}$`, "m"));
});

Deno.test("cao gateway enable writes the address cao gateway status probes, for a saved remote bind too", async (t) => {
  for (const bind of ["127.0.0.1", "0.0.0.0", "192.168.7.7"]) {
    await t.step(bind, async () => {
      await using home = await makeTempHome();
      await Deno.mkdir(home.caoHome, { recursive: true });
      await Deno.writeTextFile(
        `${home.caoHome}/gateway.json`,
        JSON.stringify({ port: 4319, bind, allowRemote: bind !== "127.0.0.1" }),
      );
      const probed: string[] = [];
      const fetch = (input: string | URL | Request) => {
        probed.push(String(input instanceof Request ? input.url : input));
        return Promise.reject(new Error("no network in this test"));
      };
      const status = await runCaoInProcess(home, ["gateway", "status"], { fetch });
      assert.equal(status.code, 1, status.stderr);
      const enable = await runCaoInProcess(home, ["gateway", "enable"], { fetch });
      assert.equal(enable.code, 0, enable.stderr);
      const written =
        parseToml(await Deno.readTextFile(`${home.userHome}/.codex/config.toml`)).openai_base_url;
      assert.equal(typeof written, "string");
      assert.ok(probed.length >= 2, probed.join(", "));
      const origins = new Set([...probed, written as string].map((url) => new URL(url).origin));
      assert.deepEqual([...origins], [`http://${bind === "0.0.0.0" ? "127.0.0.1" : bind}:4319`]);
    });
  }
});

Deno.test("cao gateway status and stop on a fresh home read the key without creating one", async () => {
  await using home = await makeTempHome();
  const fetch = () => Promise.reject(new Error("no network in this test"));
  const status = await runCaoInProcess(home, ["gateway", "status"], { fetch });
  assert.equal(status.code, 1, status.stderr);
  assert.match(status.stdout, /No cao gateway answers at http:\/\/127\.0\.0\.1:4319/);
  const stop = await runCaoInProcess(home, ["gateway", "stop"], { fetch });
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, /No cao gateway is running/);
  await assert.rejects(Deno.stat(`${home.caoHome}/gateway.json`), Deno.errors.NotFound);
});

Deno.test("a refused config edit says why with a true hint: valid TOML whose openai_base_url is not a string", async () => {
  await using home = await makeTempHome();
  const config = `${home.userHome}/.codex/config.toml`;
  await Deno.writeTextFile(config, "openai_base_url = 5\n");
  const on = await runCaoInProcess(home, ["gateway", "enable"]);
  assert.equal(on.code, 1);
  assert.match(on.stderr, /Cannot edit ".*config\.toml": openai_base_url is not a string/);
  assert.doesNotMatch(on.stderr, /valid TOML/);
  assert.match(on.stderr, /hint: .*openai_base_url/);
  assert.equal(await Deno.readTextFile(config), "openai_base_url = 5\n", "the file is left as it is");
  await Deno.writeTextFile(config, "not = [valid\n");
  const broken = await runCaoInProcess(home, ["gateway", "enable"]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /hint: fix the file so that it is valid TOML/);
});

Deno.test("cao gateway disable puts back the mode, or no file at all, and leaves no lock beside config.toml", async () => {
  await using home = await makeTempHome();
  const config = `${home.userHome}/.codex/config.toml`;
  // No config.toml before: enable creates one, disable removes it again.
  assert.equal((await runCaoInProcess(home, ["gateway", "enable"])).code, 0);
  assert.equal((await Deno.stat(config)).mode! & 0o777, 0o600);
  assert.equal((await runCaoInProcess(home, ["gateway", "disable"])).code, 0);
  await assert.rejects(Deno.stat(config), Deno.errors.NotFound, "no empty config.toml left behind");
  // A 0644 config.toml: private while enabled, 0644 again after disable.
  await Deno.writeTextFile(config, USER_CONFIG);
  await Deno.chmod(config, 0o644);
  assert.equal((await runCaoInProcess(home, ["gateway", "enable"])).code, 0);
  assert.equal((await Deno.stat(config)).mode! & 0o777, 0o600);
  assert.equal((await runCaoInProcess(home, ["gateway", "enable"])).code, 0, "a repeated enable");
  assert.equal((await runCaoInProcess(home, ["gateway", "disable"])).code, 0);
  assert.equal((await Deno.stat(config)).mode! & 0o777, 0o644);
  assert.equal(await Deno.readTextFile(config), USER_CONFIG);
  const beside = (await Array.fromAsync(Deno.readDir(`${home.userHome}/.codex`))).map((e) => e.name);
  assert.deepEqual(beside, ["config.toml"], "nothing but the user's file");
});
