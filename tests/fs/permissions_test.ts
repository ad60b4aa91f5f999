import assert from "node:assert/strict";
import { repairMode, tightenMode } from "../../src/fs/permissions.ts";

const posix = Deno.build.os !== "windows";

Deno.test({
  name:
    "tightenMode() tightens a loose file once and says what mode it had; a private or missing one is left",
  ignore: !posix,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const file = `${dir}/auth.json`;
      await Deno.writeTextFile(file, "{}");
      await Deno.chmod(file, 0o644);
      assert.equal(await tightenMode(file, 0o600), 0o644);
      assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
      assert.equal(await tightenMode(file, 0o600), null);
      assert.equal(await tightenMode(`${dir}/missing`, 0o600), null);
      await Deno.chmod(dir, 0o755);
      assert.equal(await tightenMode(dir, 0o700, true), 0o755);
      assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "repairMode() warns once, with the old and new modes, when it tightens",
  ignore: !posix,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const file = `${dir}/config.toml`;
      await Deno.writeTextFile(file, "");
      await Deno.chmod(file, 0o640);
      const warnings: string[] = [];
      await repairMode(file, 0o600, (w) => warnings.push(w));
      await repairMode(file, 0o600, (w) => warnings.push(w));
      assert.deepEqual(warnings, [`"${file}" had mode 0640; tightened to 0600`]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
