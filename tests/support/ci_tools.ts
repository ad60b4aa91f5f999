/**
 * @module
 * Tests that need an outside tool (tmux, `script`, a shell, bash-completion, the Codex CLI) are skipped where
 * it is missing, except on CI (`CI=true` or `1`: GitHub sets it, `.ci/run` exports it), where they run and
 * fail naming the tool, so that a CI machine that lost a tool cannot silently stop testing what needs it.
 * Test-only.
 */

/** Whether this run is CI (`CI` is `true` or `1`). */
export function onCi(env: string | undefined = Deno.env.get("CI")): boolean {
  return ["true", "1"].includes(env ?? "");
}

/** Whether a test needing something that is missing (`missing`) is skipped: only off CI. Pure. */
export function skipMissing(missing: boolean, ci: boolean = onCi()): boolean {
  return missing && !ci;
}

/** The first `name` on PATH that is a file, or null. */
export async function onPath(name: string): Promise<string | null> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").filter((d) => d !== "")) {
    try {
      if ((await Deno.stat(`${dir}/${name}`)).isFile) return `${dir}/${name}`;
    } catch { /* not here */ }
  }
  return null;
}

/** `path`, or a loud failure naming the missing tool (for a test that runs on CI without it). */
export function requireTool(name: string, path: string | null): string {
  if (path === null) {
    throw new Error(`Cannot run this test: "${name}" is missing (CI=true: .ci/run installs it)`);
  }
  return path;
}
