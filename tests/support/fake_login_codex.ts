/**
 * @module
 * A stand-in for the browser half of `codex login`, which needs the real OpenAI sign-in page: a small
 * executable that, for `login`, writes the auth.json a finished login leaves (from FAKE_LOGIN_AUTH) into
 * $CODEX_HOME and exits with FAKE_LOGIN_EXIT; every other command goes to the real codex. Test-only.
 */

import { codexBinary } from "./codex_bin.ts";

/** Writes the stand-in script into `dir` and returns its path. */
export async function writeFakeLoginCodex(dir: string): Promise<string> {
  const real = await codexBinary();
  const path = `${dir}/codex-login-standin`;
  await Deno.writeTextFile(
    path,
    `#!/bin/sh
if [ "$1" = "login" ]; then
  echo "login args: $*" >&2
  if [ -n "$FAKE_LOGIN_AUTH" ]; then cat "$FAKE_LOGIN_AUTH" > "$CODEX_HOME/auth.json"; chmod 600 "$CODEX_HOME/auth.json"; fi
  exit "\${FAKE_LOGIN_EXIT:-0}"
fi
exec "${real}" "$@"
`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}
