/**
 * The README's Deno lines start cao cleanly: `deno install …` (then the installed `cao`) and `deno run …`
 * each run `cao gateway start`, which serves a proxied request and stops, without a word from Deno on
 * stderr (its legacy-abort warning, an "experimental" note). The package is a copy of this one installed
 * from its path with its own import map, as JSR serves it: a package's `unstable` setting reaches no one who
 * installs it, so that copy has none, and the flags must come from the README's line itself.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { REFRESH_TOKEN_URL_ENV } from "../../src/codex/token_refresh.ts";
import { fakeAuthJson } from "../support/fake_auth.ts";
import { startMockUpstream } from "../support/mock_upstream.ts";
import { waitFor, within } from "../support/wait.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The shell lines of the README's Install block that use `jsr:@cao/cli`, continuation lines joined. */
async function denoLines(): Promise<string[][]> {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const block = readme.split(/^## Install$/m)[1].split(/^## /m)[0];
  const joined = block.replace(/\\\n\s*/g, " ");
  return joined.split("\n").filter((line) => line.startsWith("deno ") && line.includes("jsr:@cao/cli"))
    .map((line) => line.split(/\s+/).filter((word) => word !== ""));
}

/** A copy of the package as JSR serves it: its files and import map, no `unstable`. */
async function packageCopy(dir: string): Promise<{ main: string; config: string }> {
  await Deno.mkdir(`${dir}/pkg`);
  for (const entry of ["main.ts", "deno.lock"]) await Deno.copyFile(`${ROOT}${entry}`, `${dir}/pkg/${entry}`);
  await new Deno.Command("cp", { args: ["-R", `${ROOT}src`, `${dir}/pkg/src`] }).output();
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  delete config.unstable;
  await Deno.writeTextFile(`${dir}/pkg/deno.json`, JSON.stringify(config, null, 2));
  return { main: `${dir}/pkg/main.ts`, config: `${dir}/pkg/deno.json` };
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function readAll(stream: ReadableStream<Uint8Array>, into: string[]): Promise<void> {
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) into.push(chunk);
}

Deno.test({
  name: "the README's deno install and deno run lines start cao gateway start without a warning",
  ignore: Deno.build.os === "windows",
  async fn() {
    const lines = await denoLines();
    assert.deepEqual(lines.map((words) => words[1]), ["install", "run"], "the README has both lines");
    const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "cao-install-" }));
    await using mock = await startMockUpstream();
    try {
      const pkg = await packageCopy(dir);
      const home = `${dir}/cao`;
      await Deno.mkdir(`${home}/work`, { recursive: true, mode: 0o700 });
      await Deno.writeTextFile(
        `${home}/registry.json`,
        JSON.stringify({
          schemaVersion: 1,
          defaultAccount: "work",
          accounts: [{ name: "work", addedAt: "2026-11-21T10:00:00.000Z" }],
        }),
      );
      await Deno.writeTextFile(`${home}/work/auth.json`, JSON.stringify(fakeAuthJson()), { mode: 0o600 });
      const env = {
        PATH: `${dirname(Deno.execPath())}:/usr/bin:/bin`,
        HOME: dir,
        CAO_HOME: home,
        NO_COLOR: "1",
        DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
        [REFRESH_TOKEN_URL_ENV]: `${mock.url}/oauth/token`,
      };
      for (const words of lines) {
        const source = words.indexOf("jsr:@cao/cli");
        let command: string[];
        if (words[1] === "install") {
          const install = [
            ...words.slice(1, source),
            "--root",
            `${dir}/root`,
            "--config",
            pkg.config,
            pkg.main,
          ];
          const installed = await new Deno.Command(Deno.execPath(), { args: install, env, clearEnv: true })
            .output();
          assert.equal(installed.code, 0, new TextDecoder().decode(installed.stderr));
          command = [`${dir}/root/bin/${words[words.indexOf("-n") + 1]}`];
        } else {
          command = [Deno.execPath(), ...words.slice(1, source), "--config", pkg.config, pkg.main];
        }
        const port = freePort();
        const child = new Deno.Command(command[0], {
          args: [...command.slice(1), "gateway", "start", "--port", String(port), "--upstream", mock.url],
          env,
          clearEnv: true,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const stdout: string[] = [];
        const stderr: string[] = [];
        const reading = Promise.all([readAll(child.stdout, stdout), readAll(child.stderr, stderr)]);
        const what = words.slice(0, 2).join(" ");
        await waitFor(() => stdout.join("").includes("listening on"), {
          what: `${what}: the gateway`,
          timeoutMs: 60_000,
        });
        const saved = JSON.parse(await Deno.readTextFile(`${home}/gateway.json`));
        const base = `http://127.0.0.1:${port}/k/${saved.proxyKey}`;
        const answer = await fetch(`${base}/responses`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "text/event-stream" },
          body: JSON.stringify({ model: "m", input: [], stream: true }),
        });
        assert.equal(answer.status, 200, what);
        assert.match(await answer.text(), /response\.completed/, what);
        await (await fetch(`http://127.0.0.1:${port}/shutdown`, {
          method: "POST",
          headers: { "x-cao-gateway-key": saved.controlKey },
        })).body?.cancel();
        assert.equal((await within(child.status, 30_000, `${what}: the gateway to stop`)).code, 0);
        await reading;
        const said = stderr.join("");
        assert.doesNotMatch(said, /legacy|warning|experimental|unstable/i, `${what} printed: ${said}`);
        assert.match(said, /listening on/, `${what}: the gateway's own log line`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
