/**
 * @module
 * The usage history as values: samples of one account's usage windows over time, and the pure rules that
 * keep it small — at most one sample per account and window per minute (a later one in the same minute
 * replaces the earlier), an unchanged reading kept only every {@link HEARTBEAT_SECONDS}, older samples
 * thinned (one per 10 minutes after a day, one per hour after a week) and dropped past the retention.
 * {@link readSamples} is the one query the views (`cao status --full`, the dashboard) use. Pure: the store
 * that reads and writes `usage_history.json` is `usage_history.ts`.
 */

import { finiteNumber, jsonObject } from "../shared/json_value.ts";
import type { UsageSnapshot, UsageWindow } from "./status_store.ts";

/** Codex's two windows, as in {@link UsageSnapshot}: "primary" (5 hours) and "secondary" (weekly). */
export type UsageWindowName = "primary" | "secondary";

/** Both window names, in display order. */
export const USAGE_WINDOW_NAMES: readonly UsageWindowName[] = ["primary", "secondary"];

/** One observation of one window. */
export interface UsageSample {
  /** When it was observed, epoch seconds. */
  at: number;
  /** Percent of the window used, 0-100. */
  usedPercent: number;
  /** Length of the window in minutes (300, 10080), null when unknown. */
  windowMinutes: number | null;
  /** When the window resets, epoch seconds, null when unknown. */
  resetsAt: number | null;
  /** Who observed it: "headers" (gateway), "rollout" (cao run), "usage-endpoint" (refresh or probe). */
  source: string;
}

/** The samples of one account, oldest first, per window. */
export interface AccountHistory {
  primary: UsageSample[];
  secondary: UsageSample[];
}

/** The whole history (what `usage_history.json` holds). */
export interface UsageHistory {
  /** Format version (1). */
  schemaVersion: number;
  /** Samples older than this many days are dropped (default {@link DEFAULT_RETENTION_DAYS}). */
  retentionDays: number;
  /** Per account name. */
  accounts: Record<string, AccountHistory>;
  /** Unknown top-level fields written by newer versions are kept. */
  [extra: string]: unknown;
}

/** The history schema version this build writes. */
export const HISTORY_SCHEMA_VERSION = 1;

/** Default retention: 30 days. */
export const DEFAULT_RETENTION_DAYS = 30;

/** Longest retention accepted: two years. */
export const MAX_RETENTION_DAYS = 730;

/** An unchanged reading is stored again after this long (so a flat stretch is known to be flat). */
export const HEARTBEAT_SECONDS = 10 * 60;

/** Two resets this close are the same window cycle (resets derived from "reset after" jitter). */
const SAME_RESET_SECONDS = 120;

/** A new, empty history. Pure. */
export function emptyUsageHistory(retentionDays = DEFAULT_RETENTION_DAYS): UsageHistory {
  return { schemaVersion: HISTORY_SCHEMA_VERSION, retentionDays, accounts: {} };
}

/** Whether `days` is a usable retention (a whole number of days, 1 to {@link MAX_RETENTION_DAYS}). Pure. */
export function isRetentionDays(days: unknown): days is number {
  return typeof days === "number" && Number.isInteger(days) && days >= 1 && days <= MAX_RETENTION_DAYS;
}

/** Reads one stored sample; null when it is not one. Pure. */
export function parseSample(value: unknown): UsageSample | null {
  const s = jsonObject(value);
  if (s === null) return null;
  const at = finiteNumber(s.at);
  const used = finiteNumber(s.usedPercent);
  if (at === null || used === null) return null;
  return {
    at: Math.floor(at),
    usedPercent: Math.max(0, Math.min(100, used)),
    windowMinutes: finiteNumber(s.windowMinutes),
    resetsAt: finiteNumber(s.resetsAt),
    source: typeof s.source === "string" ? s.source : "unknown",
  };
}

function parseSamples(value: unknown): UsageSample[] {
  if (!Array.isArray(value)) return [];
  return value.map(parseSample).filter((s): s is UsageSample => s !== null).sort((a, b) => a.at - b.at);
}

/** Normalises a parsed document (bad samples dropped, unknown top-level fields kept). Pure. */
export function parseUsageHistory(value: unknown): UsageHistory {
  const doc = jsonObject(value) ?? {};
  const rawAccounts = jsonObject(doc.accounts) ?? {};
  const accounts: Record<string, AccountHistory> = {};
  for (const [name, raw] of Object.entries(rawAccounts)) {
    const entry = jsonObject(raw) ?? {};
    accounts[name] = { primary: parseSamples(entry.primary), secondary: parseSamples(entry.secondary) };
  }
  return {
    ...doc,
    schemaVersion: HISTORY_SCHEMA_VERSION,
    retentionDays: isRetentionDays(doc.retentionDays) ? doc.retentionDays : DEFAULT_RETENTION_DAYS,
    accounts,
  };
}

function sampleOf(window: UsageWindow | null, at: number, source: string): UsageSample | null {
  if (window === null) return null;
  return {
    at,
    usedPercent: Math.max(0, Math.min(100, window.usedPercent)),
    windowMinutes: window.windowMinutes,
    resetsAt: window.resetsAt,
    source,
  };
}

/** The samples a usage snapshot makes, per window (a window the snapshot lacks makes none). Pure. */
export function samplesFromSnapshot(usage: UsageSnapshot): Partial<Record<UsageWindowName, UsageSample>> {
  const at = Math.floor(Date.parse(usage.observedAt) / 1000);
  if (!Number.isFinite(at)) return {};
  const out: Partial<Record<UsageWindowName, UsageSample>> = {};
  const primary = sampleOf(usage.primary, at, usage.source);
  const secondary = sampleOf(usage.secondary, at, usage.source);
  if (primary) out.primary = primary;
  if (secondary) out.secondary = secondary;
  return out;
}

function sameReading(a: UsageSample, b: UsageSample): boolean {
  const resets = a.resetsAt === null || b.resetsAt === null
    ? a.resetsAt === b.resetsAt
    : Math.abs(a.resetsAt - b.resetsAt) <= SAME_RESET_SECONDS;
  return a.usedPercent === b.usedPercent && a.windowMinutes === b.windowMinutes && resets;
}

/**
 * Adds one sample to a window's samples (sorted, oldest first) in place: one in the same minute as the last
 * replaces it, an unchanged reading within {@link HEARTBEAT_SECONDS} of the last is skipped, one older than
 * the last is ignored. Returns whether the samples changed. Pure (mutates `samples` only).
 */
export function addSample(samples: UsageSample[], sample: UsageSample): boolean {
  const last = samples.at(-1);
  if (last === undefined) {
    samples.push(sample);
    return true;
  }
  if (sample.at < last.at) return false;
  if (Math.floor(sample.at / 60) === Math.floor(last.at / 60)) {
    // The minute's last word wins.
    if (sameReading(last, sample)) return false;
    samples[samples.length - 1] = sample;
    return true;
  }
  if (sameReading(last, sample) && sample.at - last.at < HEARTBEAT_SECONDS) return false;
  samples.push(sample);
  return true;
}

/** Adds what a snapshot says about `account` to `history` in place; returns whether anything changed. Pure. */
export function addSnapshot(history: UsageHistory, account: string, usage: UsageSnapshot): boolean {
  const samples = samplesFromSnapshot(usage);
  let changed = false;
  for (const window of USAGE_WINDOW_NAMES) {
    const sample = samples[window];
    if (!sample) continue;
    history.accounts[account] ??= { primary: [], secondary: [] };
    changed = addSample(history.accounts[account][window], sample) || changed;
  }
  return changed;
}

/** How coarse samples become with age: [age in seconds, bucket in seconds], oldest rule last. */
const THINNING: readonly [number, number][] = [[7 * 86400, 3600], [86400, 600]];

function bucketFor(age: number): number {
  for (const [after, bucket] of THINNING) if (age >= after) return bucket;
  return 60;
}

/**
 * Drops samples older than the retention, thins older ones (the last sample of each 10-minute bucket after a
 * day, of each hour after a week) and removes accounts left empty. At most about 2,900 samples remain per
 * account and window. Returns whether anything changed. Pure (mutates `history`).
 */
export function pruneHistory(history: UsageHistory, nowSeconds: number): boolean {
  const oldest = nowSeconds - history.retentionDays * 86400;
  let changed = false;
  for (const [name, account] of Object.entries(history.accounts)) {
    for (const window of USAGE_WINDOW_NAMES) {
      const samples = account[window];
      const kept: UsageSample[] = [];
      for (const sample of samples) {
        if (sample.at < oldest) continue;
        const bucket = bucketFor(nowSeconds - sample.at);
        const previous = kept.at(-1);
        if (
          previous !== undefined && bucket > 60 &&
          Math.floor(previous.at / bucket) === Math.floor(sample.at / bucket)
        ) {
          kept[kept.length - 1] = sample;
          continue;
        }
        kept.push(sample);
      }
      if (kept.length !== samples.length) {
        account[window] = kept;
        changed = true;
      }
    }
    if (account.primary.length === 0 && account.secondary.length === 0) {
      delete history.accounts[name];
      changed = true;
    }
  }
  return changed;
}

/** Which samples to read. */
export interface SampleQuery {
  account: string;
  window: UsageWindowName;
  /** Epoch seconds, inclusive (default: the beginning). */
  from?: number;
  /** Epoch seconds, inclusive (default: the end). */
  to?: number;
}

/** The samples of one account and window within a time range, oldest first (a fresh array). Pure. */
export function readSamples(history: UsageHistory, query: SampleQuery): UsageSample[] {
  const samples = history.accounts[query.account]?.[query.window] ?? [];
  const from = query.from ?? -Infinity;
  const to = query.to ?? Infinity;
  return samples.filter((s) => s.at >= from && s.at <= to).map((s) => ({ ...s }));
}
