/**
 * @module
 * Moving a CAO 1.4.2 home to cao's formats, automatically, on the first command that finds one: each seed
 * file (`registry.json`, `account_status.json`, `gateway.json`) is first copied to `<file>.cao-1.4.2.bak`
 * (never overwritten), then rewritten atomically under its lock; the seed's loose modes (0755 folders, 0644
 * logins) are tightened. Every step is idempotent, so a crash anywhere leaves files that are either still
 * the seed's (migrated by the next command, the backup kept) or already cao's. Until the rewrite happens,
 * the readers convert the seed files in memory (`accounts/seed_format.ts`, `gateway/seed_settings.ts`).
 * Nothing here prints: the caller gets the one line that says what moved.
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { parseRegistry, REGISTRY_SCHEMA_VERSION } from "../accounts/registry.ts";
import { isSeedRegistry, isSeedStatusFile } from "../accounts/seed_format.ts";
import { parseStatusFile } from "../accounts/status_store.ts";
import { updateLocked } from "../accounts/locked_update.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { pathExists, readTextIfExists } from "../fs/file_probe.ts";
import { basenameOf } from "../fs/path.ts";
import { tightenMode } from "../fs/permissions.ts";
import { isSeedGatewayDoc, seedGatewayLeftovers } from "../gateway/seed_settings.ts";
import { parseGatewayFile } from "../gateway/settings.ts";

/** Suffix of the copies kept of every file the migration rewrites. */
export const SEED_BACKUP_SUFFIX = ".cao-1.4.2.bak";

interface Doc {
  text: string;
  value: unknown;
}

async function readDoc(path: string): Promise<Doc | null> {
  const text = await readTextIfExists(path);
  if (text === null) return null;
  try {
    return { text, value: JSON.parse(text) };
  } catch {
    return null; // an unparsable file is its store's to move aside
  }
}

/** Rewrites one file when it is the seed's: backup first, then the new document under the file's lock. */
async function migrateFile(
  home: CaoHome,
  path: string,
  isSeed: (value: unknown) => boolean,
  convert: (value: unknown) => unknown,
): Promise<unknown | null> {
  const first = await readDoc(path);
  if (first === null || !isSeed(first.value)) return null;
  const name = basenameOf(path);
  const backup = `${path}${SEED_BACKUP_SUFFIX}`;
  if (!(await pathExists(backup))) await writeFileAtomic(backup, first.text, { mode: 0o600 });
  home.checkpoint?.(`migrate:${name}:backed-up`);
  // The home's loose modes are tightened (and counted) by migrateSeedHome, not by the update.
  return await updateLocked(home, {
    path,
    read: () => readDoc(path),
    toJson: (doc) => doc?.value ?? null,
    write: "changed",
    createHome: false,
    afterWrite: (written) => {
      if (written) home.checkpoint?.(`migrate:${name}:rewritten`);
    },
  }, (current) => {
    if (current === null || !isSeed(current.value)) return null;
    const seed = current.value;
    current.value = convert(seed);
    return seed;
  });
}

/** Whether `path` was looser than `mode` and is now tightened; a file that cannot be changed is left. */
async function tighten(path: string, mode: number): Promise<boolean> {
  try {
    return await tightenMode(path, mode, true) !== null;
  } catch {
    return false;
  }
}

/** Migrates the seed files of `home`; returns the line saying what moved, or null when nothing did. */
export async function migrateSeedHome(home: CaoHome): Promise<string | null> {
  const { registry, status, gatewaySettings, root } = home.paths;
  const moved: string[] = [];
  let names: string[] = [];
  const seedRegistry = await migrateFile(home, registry, isSeedRegistry, (value) => {
    const parsed = parseRegistry(value);
    return parsed.kind === "ok" ? { ...parsed.registry, schemaVersion: REGISTRY_SCHEMA_VERSION } : value;
  });
  if (seedRegistry !== null) {
    const parsed = parseRegistry(seedRegistry);
    if (parsed.kind === "ok") {
      names = parsed.registry.accounts.map((a) => a.name);
      moved.push(
        `registry.json (${names.length} account${names.length === 1 ? "" : "s"}${
          parsed.registry.defaultAccount ? `, default "${parsed.registry.defaultAccount}"` : ""
        })`,
      );
    }
  }
  const seedStatus = await migrateFile(home, status, isSeedStatusFile, parseStatusFile);
  if (seedStatus !== null) {
    const count = Object.keys(parseStatusFile(seedStatus).accounts).length;
    moved.push(
      `account_status.json (${count} account${count === 1 ? "" : "s"}: cooldowns, failures, last errors)`,
    );
  }
  const seedGateway = await migrateFile(home, gatewaySettings, isSeedGatewayDoc, parseGatewayFile);
  if (seedGateway !== null) {
    const g = parseGatewayFile(seedGateway);
    const notCarried = seedGatewayLeftovers(seedGateway);
    moved.push(
      `gateway.json (bind ${g.bind ?? "default"}, port ${g.port ?? "default"}${
        notCarried.length > 0 ? `; not carried: ${notCarried.join(", ")}` : ""
      })`,
    );
  }
  if (moved.length === 0) return null;
  let tightened = 0;
  if (await tighten(root, 0o700)) tightened++;
  for (const name of names) {
    if (await tighten(home.paths.accountDir(name), 0o700)) tightened++;
    if (await tighten(home.paths.authFile(name), 0o600)) tightened++;
    if (await tighten(home.paths.configFile(name), 0o600)) tightened++;
  }
  return `moved your CAO 1.4.2 data to this version's format: ${moved.join("; ")}` +
    `${tightened > 0 ? `; ${tightened} loose file modes tightened` : ""}; the old files are kept as ` +
    `*${SEED_BACKUP_SUFFIX}. Run "cao doctor" to find what 1.4.2's "gateway enable" left behind.`;
}
