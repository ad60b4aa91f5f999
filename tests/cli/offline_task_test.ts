/**
 * `deno task cao …` from source touches no network once Deno's cache holds the locked npm packages: a fresh
 * DENO_DIR gets the packages a first run leaves there (no registry metadata), every connection Deno tries
 * goes to a local proxy that counts it, and no run may make one or print a "Download" line.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { makeTempHome } from "../support/run_cao.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** `name/version` folders of the npm packages deno.lock pins (peer suffixes dropped). Pure. */
export function lockedPackageDirs(lock: { npm?: Record<string, unknown> }): string[] {
  return Object.keys(lock.npm ?? {}).map((key) => {
    const at = key.indexOf("@", 1);
    return `${key.slice(0, at)}/${key.slice(at + 1).split("_")[0]}`;
  });
}

async function npmCache(): Promise<string> {
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stderr: "null" }).output();
  return JSON.parse(new TextDecoder().decode(info.stdout)).npmCache;
}

Deno.test("lockedPackageDirs() names the cache folders of the locked packages", () => {
  assert.deepEqual(
    lockedPackageDirs({
      npm: { "commander@15.1.0": {}, "@commander-js/extra-typings@15.1.0_commander@15.1.0": {} },
    }),
    ["commander/15.1.0", "@commander-js/extra-typings/15.1.0"],
  );
});

Deno.test({
  name: "deno task cao runs from a filled cache without touching the network",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using home = await makeTempHome();
    const denoDir = `${home.dir}/deno`;
    const from = `${await npmCache()}/registry.npmjs.org`;
    const lock = JSON.parse(await Deno.readTextFile(`${ROOT}deno.lock`));
    for (const dir of lockedPackageDirs(lock)) {
      const target = `${denoDir}/npm/registry.npmjs.org/${dir}`;
      await Deno.mkdir(target, { recursive: true });
      const copied = await new Deno.Command("cp", { args: ["-R", `${from}/${dir}/.`, target] }).output();
      assert.equal(copied.code, 0, `${dir} is in Deno's cache (run "deno task cao --version" once)`);
    }
    let connections = 0;
    const asked: string[] = [];
    const proxy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const accepting = (async () => {
      for await (const connection of proxy) {
        const buffer = new Uint8Array(256);
        const read = await connection.read(buffer).catch(() => null);
        const line = new TextDecoder().decode(buffer.subarray(0, read ?? 0)).split("\r\n")[0];
        // Only a proxy request counts (another test may knock on a port it thought was free).
        if (/^(CONNECT \S+|[A-Z]+ https?:\/\/)/.test(line)) {
          connections++;
          asked.push(line);
        }
        connection.close();
      }
    })();
    try {
      const url = `http://127.0.0.1:${(proxy.addr as Deno.NetAddr).port}`;
      for (const args of [["--version"], ["list"], ["status"], ["--help"]]) {
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["task", "--quiet", "cao", ...args],
          cwd: ROOT,
          env: {
            DENO_DIR: denoDir,
            HTTPS_PROXY: url,
            HTTP_PROXY: url,
            NO_PROXY: "",
            CAO_HOME: home.caoHome,
            HOME: home.userHome,
            NO_COLOR: "1",
            // Deno's own check for a newer Deno is not cao's to make (users turn it off the same way).
            DENO_NO_UPDATE_CHECK: "1",
          },
          stdin: "null",
        }).output();
        const stderr = new TextDecoder().decode(out.stderr);
        assert.equal(out.code, 0, `deno task cao ${args.join(" ")}: ${stderr}`);
        assert.doesNotMatch(stderr, /Download/, args.join(" "));
        assert.equal(
          connections,
          0,
          `deno task cao ${args.join(" ")} reached for ${asked.join(", ")}: ${stderr}`,
        );
      }
    } finally {
      proxy.close();
      await accepting.catch(() => {});
    }
  },
});
