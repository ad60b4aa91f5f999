/**
 * @module
 * The journal of the one multi-step change under way in a cao home (`.cao-pending.json`): rename, remove,
 * and the adoption of a new account home (add, import). Every such change runs under the registry lock, writes
 * its journal before its first step and deletes it after its last, so a crash at any step leaves a journal
 * that the next writer (or the next command's preflight) reads to complete the change or roll it back, and
 * says which ({@link finishPendingChange}). Deciding what to do is pure ({@link recoveryPlan}); this module
 * must not import the registry (the registry calls it), so it edits the registry document structurally.
 *
 * Journal format (schemaVersion 1):
 * ```json
 * { "schemaVersion": 1, "startedAt": "…", "change": { "op": "rename", "from": "a", "to": "b" } }
 * ```
 */

import type { CaoHome } from "./cao_home.ts";
import { writeJsonAtomic } from "../fs/atomic_write.ts";
import { pathExists } from "../fs/file_probe.ts";
import { joinPath } from "../fs/path.ts";
import { moveTree } from "../fs/move_tree.ts";
import { updateStatusFile } from "./status_store.ts";

/** One multi-step change. */
export type PendingChange =
  /** `cao rename from to`: the directory moves, then the status, then the registry entry. */
  | { op: "rename"; from: string; to: string }
  /**
   * `cao remove name`: the directory moves aside to `parked`, then the status and the registry entry go, then
   * (unless `keepFiles`) its sessions move to `sessionsTo` and `parked` is deleted.
   */
  | { op: "remove"; name: string; parked: string; keepFiles: boolean; sessionsTo: string | null }
  /** `cao add` / `cao import`: the home is filled (with its auth.json when `needsAuth`), then registered. */
  | { op: "adopt"; name: string; needsAuth: boolean; label: string };

/** The registry as this module edits it (structurally: the registry module imports this one). */
export interface RegistryDoc {
  defaultAccount: string | null;
  accounts: { name: string; addedAt: string; [extra: string]: unknown }[];
}

/** The journal's path. */
export function journalPath(home: CaoHome): string {
  return joinPath(home.paths.root, ".cao-pending.json");
}

/** Writes the journal of `change` (call under the registry lock, before the first step). */
export async function beginChange(home: CaoHome, change: PendingChange): Promise<void> {
  await writeJsonAtomic(journalPath(home), {
    schemaVersion: 1,
    startedAt: home.now().toISOString(),
    change,
  });
  home.checkpoint?.(`${change.op}:journaled`);
}

/** Deletes the journal (after the last step). */
export async function endChange(home: CaoHome): Promise<void> {
  await Deno.remove(journalPath(home)).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

function isChange(value: unknown): value is PendingChange {
  if (!value || typeof value !== "object") return false;
  const c = value as Record<string, unknown>;
  if (c.op === "rename") return typeof c.from === "string" && typeof c.to === "string";
  if (c.op === "remove") return typeof c.name === "string" && typeof c.parked === "string";
  if (c.op === "adopt") return typeof c.name === "string";
  return false;
}

/** The change under way, or null (an unreadable journal counts as none: it is moved aside by the caller). */
export async function readPendingChange(home: CaoHome): Promise<PendingChange | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(journalPath(home));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  try {
    const change = (JSON.parse(text) as Record<string, unknown>)?.change;
    return isChange(change) ? change : null;
  } catch {
    return null;
  }
}

/** What the files on disk say about an interrupted change. */
export interface ChangeFacts {
  /** For rename: the old directory, the new one. For remove/adopt: the account's directory, `parked`. */
  first: boolean;
  second: boolean;
  /** For adopt: whether its auth.json is there. */
  hasAuth: boolean;
}

/** Whether to finish the change or undo what was done, and the words for it. Pure. */
export function recoveryPlan(change: PendingChange, facts: ChangeFacts): "forward" | "back" {
  switch (change.op) {
    case "rename":
      return facts.first && !facts.second ? "back" : "forward";
    case "remove":
      return facts.first ? "back" : "forward";
    case "adopt":
      return !facts.first || (change.needsAuth && !facts.hasAuth) ? "back" : "forward";
  }
}

/** The sentence saying what recovery did. Pure. */
export function recoveryText(change: PendingChange, plan: "forward" | "back"): string {
  const what = change.op === "rename"
    ? `rename of "${change.from}" to "${change.to}"`
    : change.op === "remove"
    ? `removal of "${change.name}"`
    : `${change.label} of "${change.name}"`;
  return plan === "forward"
    ? `completed an interrupted ${what}`
    : `rolled back an interrupted ${what} (nothing had changed yet; run it again)`;
}

/** Files a fresh account home may hold before its login lands (all of them cao's, none a login). */
const FRESH_HOME_FILES = /^(config\.toml|\.cao-user-config\.json|auth\.lock|auth\.json\.lock|\..*\.tmp-.*)$/;

async function removeFreshHome(dir: string): Promise<void> {
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!FRESH_HOME_FILES.test(entry.name)) return; // something of the user's: keep the folder
    }
  } catch {
    return;
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}

async function factsOf(home: CaoHome, change: PendingChange): Promise<ChangeFacts> {
  const dir = (name: string) => home.paths.accountDir(name);
  if (change.op === "rename") {
    return {
      first: await pathExists(dir(change.from)),
      second: await pathExists(dir(change.to)),
      hasAuth: false,
    };
  }
  if (change.op === "remove") {
    return {
      first: await pathExists(dir(change.name)),
      second: await pathExists(change.parked),
      hasAuth: false,
    };
  }
  return {
    first: await pathExists(dir(change.name)),
    second: false,
    hasAuth: await pathExists(home.paths.authFile(change.name)),
  };
}

/**
 * Completes or rolls back the change in the journal, editing `registry` in memory (the caller writes it and
 * then calls the returned `afterWrite`, still under the registry lock). Returns null when there is none.
 */
export async function finishPendingChange(
  home: CaoHome,
  registry: RegistryDoc,
): Promise<{ text: string; afterWrite: () => Promise<void> } | null> {
  const change = await readPendingChange(home);
  if (change === null) {
    if (await pathExists(journalPath(home))) await endChange(home); // unreadable: nothing can be done with it
    return null;
  }
  const plan = recoveryPlan(change, await factsOf(home, change));
  const has = (name: string) => registry.accounts.some((a) => a.name === name);
  let afterWrite = () => endChange(home);
  if (change.op === "rename" && plan === "forward") {
    await updateStatusFile(home, (file) => {
      if (file.accounts[change.from] && !file.accounts[change.to]) {
        file.accounts[change.to] = file.accounts[change.from];
        delete file.accounts[change.from];
      }
    });
    const entry = registry.accounts.find((a) => a.name === change.from);
    if (entry && !has(change.to)) entry.name = change.to;
    if (registry.defaultAccount === change.from) registry.defaultAccount = change.to;
  }
  if (change.op === "remove" && plan === "forward") {
    await updateStatusFile(home, (file) => void delete file.accounts[change.name]);
    const index = registry.accounts.findIndex((a) => a.name === change.name);
    if (index >= 0) registry.accounts.splice(index, 1);
    if (registry.defaultAccount === change.name) {
      registry.defaultAccount = (registry.accounts[index] ?? registry.accounts[index - 1])?.name ?? null;
    }
    afterWrite = async () => {
      await finishRemoval(change);
      await endChange(home);
    };
  }
  if (change.op === "adopt") {
    if (plan === "forward" && !has(change.name)) {
      registry.accounts.push({ name: change.name, addedAt: home.now().toISOString() });
      registry.defaultAccount ??= change.name;
    }
    if (plan === "back" && !has(change.name)) await removeFreshHome(home.paths.accountDir(change.name));
  }
  return { text: recoveryText(change, plan), afterWrite };
}

/** The last steps of a removal, after its registry commit: sessions saved, the parked home deleted. */
export async function finishRemoval(change: Extract<PendingChange, { op: "remove" }>): Promise<number> {
  if (change.keepFiles || !(await pathExists(change.parked))) return 0;
  const moved = change.sessionsTo === null
    ? 0
    : await moveTree(`${change.parked}/sessions`, change.sessionsTo);
  await Deno.remove(change.parked, { recursive: true });
  return moved;
}
