/**
 * @module
 * The doctor's look at the cao home itself and at what CAO 1.4.2 left behind: whether the home can be
 * written, whether `gateway.json` parses, account folders that no registry entry names (and entries without
 * a folder), an interrupted change that could not be finished, and the leftovers of 1.4.2's `gateway enable`
 * (`config.toml.cao.bak`, its `[model_providers.openai]` table, the `~/.local/bin/codex` shim marked
 * `# CAO GATEWAY SHIM`, `real_codex_path`, and on macOS `launchctl setenv OPENAI_BASE_URL`), each with the
 * command that cleans it. Gathering reads (and writes one probe file); the findings are pure.
 */

import { accountNameProblem } from "../accounts/account_name.ts";
import { journalPath } from "../accounts/pending_change.ts";
import type { CaoHome } from "../accounts/cao_home.ts";
import { joinPath } from "../fs/path.ts";
import { describeOsError } from "../fs/os_error.ts";
import { parseToml } from "../deps/toml.ts";
import type { SpawnFn } from "../codex/spawn.ts";

/** A finding, shaped like `doctor_checks.ts`'s `Finding` (which imports this module, so not imported here). */
export interface HomeFinding {
  check: string;
  severity: "error" | "warning" | "info";
  account: string | null;
  message: string;
  fix: string;
}

/** One thing CAO 1.4.2 left behind. */
export interface SeedLeftover {
  what: string;
  path: string;
  fix: string;
  severity: "error" | "warning" | "info";
}

/** What the doctor found about the home. */
export interface HomeFacts {
  root: string;
  /** null: the home does not exist yet. */
  writable: { ok: true } | { ok: false; reason: string } | null;
  gatewayFile: { kind: "missing" | "ok" } | { kind: "unparsable"; path: string; reason: string };
  orphanFolders: string[];
  entriesWithoutHome: string[];
  pendingChange: boolean;
  leftovers: SeedLeftover[];
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

async function probeWritable(root: string): Promise<HomeFacts["writable"]> {
  if (!(await exists(root))) return null;
  const probe = joinPath(root, `.cao-doctor-probe-${Deno.pid}`);
  try {
    await Deno.writeTextFile(probe, "", { createNew: true, mode: 0o600 });
    await Deno.remove(probe);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: describeOsError(error, root)?.message ?? String(error) };
  }
}

async function seedLeftovers(
  home: CaoHome,
  userCodexHome: string,
  userHome: string | undefined,
  spawn: SpawnFn | undefined,
): Promise<SeedLeftover[]> {
  const found: SeedLeftover[] = [];
  const config = joinPath(userCodexHome, "config.toml");
  const backup = `${config}.cao.bak`;
  if (await exists(backup)) {
    found.push({
      what: 'CAO 1.4.2\'s backup of your Codex config (from its "gateway enable")',
      path: backup,
      fix: `compare it with "${config}", then: rm "${backup}"`,
      severity: "warning",
    });
  }
  try {
    const table = parseToml(await Deno.readTextFile(config)) as Record<string, unknown>;
    const providers = table.model_providers as Record<string, unknown> | undefined;
    if (providers && typeof providers === "object" && "openai" in providers) {
      found.push({
        what:
          'a [model_providers.openai] table (CAO 1.4.2\'s "gateway enable"); Codex refuses to start with it',
        path: config,
        fix: `delete that table and the model_provider = "openai" line from "${config}"`,
        severity: "error",
      });
    }
  } catch { /* no user config, or one doctor reports elsewhere */ }
  if (userHome) {
    const shim = joinPath(userHome, ".local", "bin", "codex");
    const text = await Deno.readTextFile(shim).catch(() => "");
    if (text.includes("# CAO GATEWAY SHIM")) {
      found.push({
        what: "CAO 1.4.2's codex shim (it sets OPENAI_BASE_URL, which Codex ignores)",
        path: shim,
        fix: `rm "${shim}"`,
        severity: "warning",
      });
    }
  }
  const realCodexPath = joinPath(home.paths.root, "real_codex_path");
  if (await exists(realCodexPath)) {
    found.push({
      what: "CAO 1.4.2's real_codex_path",
      path: realCodexPath,
      fix: `rm "${realCodexPath}"`,
      severity: "info",
    });
  }
  if (Deno.build.os === "darwin" && spawn) {
    try {
      const child = spawn("launchctl", {
        args: ["getenv", "OPENAI_BASE_URL"],
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      });
      const [value] = await Promise.all([
        new Response(child.stdout).text().then((t) => t.trim()),
        child.status,
      ]);
      if (value !== "") {
        found.push({
          what: `OPENAI_BASE_URL=${value} set for GUI apps (CAO 1.4.2's "gateway start")`,
          path: "launchctl",
          fix: "launchctl unsetenv OPENAI_BASE_URL",
          severity: "warning",
        });
      }
    } catch { /* no launchctl */ }
  }
  return found;
}

/** Gathers the home facts; `registered` are the registry's account names. */
export async function gatherHomeFacts(
  home: CaoHome,
  registered: string[],
  env: { userCodexHome: string; userHome?: string; spawn?: SpawnFn },
): Promise<HomeFacts> {
  const root = home.paths.root;
  let gatewayFile: HomeFacts["gatewayFile"] = { kind: "missing" };
  const gatewayText = await Deno.readTextFile(home.paths.gatewaySettings).catch(() => null);
  if (gatewayText !== null) {
    try {
      JSON.parse(gatewayText);
      gatewayFile = { kind: "ok" };
    } catch (error) {
      gatewayFile = {
        kind: "unparsable",
        path: home.paths.gatewaySettings,
        reason: (error as Error).message,
      };
    }
  }
  const orphanFolders: string[] = [];
  try {
    for await (const entry of Deno.readDir(root)) {
      if (!entry.isDirectory || registered.includes(entry.name) || accountNameProblem(entry.name) !== null) {
        continue;
      }
      const dir = home.paths.accountDir(entry.name);
      if (await exists(joinPath(dir, "auth.json")) || await exists(joinPath(dir, "config.toml"))) {
        orphanFolders.push(entry.name);
      }
    }
  } catch { /* no home yet */ }
  const entriesWithoutHome: string[] = [];
  for (const name of registered) {
    if (!(await exists(home.paths.accountDir(name)))) entriesWithoutHome.push(name);
  }
  return {
    root,
    writable: await probeWritable(root),
    gatewayFile,
    orphanFolders: orphanFolders.sort(),
    entriesWithoutHome,
    pendingChange: await exists(journalPath(home)),
    leftovers: await seedLeftovers(home, env.userCodexHome, env.userHome, env.spawn),
  };
}

/** The findings about the home. Pure. */
export function homeFindings(facts: HomeFacts): HomeFinding[] {
  const out: HomeFinding[] = [];
  const add = (
    check: string,
    severity: HomeFinding["severity"],
    account: string | null,
    message: string,
    fix: string,
  ) => out.push({ check, severity, account, message, fix });
  if (facts.writable !== null && !facts.writable.ok) {
    add(
      "home-not-writable",
      "error",
      null,
      `the cao home cannot be written: ${facts.writable.reason}`,
      `check the permissions of "${facts.root}" (ls -ld), or use --data-dir <another dir>`,
    );
  }
  if (facts.gatewayFile.kind === "unparsable") {
    add(
      "gateway-json-unparsable",
      "error",
      null,
      `gateway.json is not valid JSON (${facts.gatewayFile.reason})`,
      `mv "${facts.gatewayFile.path}" "${facts.gatewayFile.path}.bad" (the next "cao gateway start" writes a new one)`,
    );
  }
  if (facts.pendingChange) {
    add(
      "change-pending",
      "warning",
      null,
      "a change that a crash interrupted is not finished yet",
      'run a command that can write the home (e.g. "cao list") to complete or roll it back',
    );
  }
  for (const name of facts.orphanFolders) {
    const dir = joinPath(facts.root, name);
    add(
      "folder-not-registered",
      "warning",
      null,
      `"${dir}" holds an account that no registry entry names`,
      `register it again with "cao add ${name} --no-login" (its login is kept), or delete it: rm -r "${dir}"`,
    );
  }
  for (const name of facts.entriesWithoutHome) {
    add(
      "entry-without-home",
      "error",
      name,
      `it is registered, but its home "${joinPath(facts.root, name)}" is missing`,
      `"cao remove ${name}" drops the entry, or "cao add ${name}" logs it in again`,
    );
  }
  for (const l of facts.leftovers) add("cao-1.4.2-leftover", l.severity, null, `${l.what}: ${l.path}`, l.fix);
  return out;
}
