/**
 * @module
 * `cao status`: every account at a glance. A dashboard on a terminal (or with `--pretty`), one line per
 * account otherwise (or with `--compact`), `--full`, `--json`, `--watch [seconds]`; `--refresh` first asks
 * each account's usage endpoint; `--doctor` and `--report` are the other dialect of `cao doctor` and
 * `cao report`. Start-up stays light: the refresher, doctor and report code are imported only when asked for,
 * and there is no network I/O without `--refresh` or the doctor.
 */

import type { Command } from "../deps/commander.ts";
import { ExitCode, UsageError } from "../shared/errors.ts";
import { signalExitCode } from "../shared/exit_codes.ts";
import { sleep } from "../shared/wait.ts";
import { collectStatus, type StatusSnapshot } from "../status/collect.ts";
import { renderCompact } from "../status/render_compact.ts";
import { DASHBOARD_WIDTH, renderDashboard } from "../status/render_dashboard.ts";
import { renderFull } from "../status/render_full.ts";
import { statusJson } from "../status/status_json.ts";
import { checkStatusFlags, type StatusOptions } from "./status_flags.ts";
export type { StatusOptions };
import { outputWidth } from "./terminal_width.ts";
import type { CommandContext, Runner } from "./context.ts";
import { DEFAULT_REFRESH_TIMEOUT_SECONDS, parseSeconds } from "./flags.ts";

/** Which view to print. */
export type StatusView = "dashboard" | "compact" | "full" | "json";

/** Default `--watch` interval, seconds. */
export const DEFAULT_WATCH_SECONDS = 5;

/** With `--watch --refresh`, the usage endpoint is asked at most this often. */
const WATCH_REFRESH_MIN_MS = 60_000;

/** Picks the view: an explicit flag, else the dashboard on a terminal and the compact view otherwise. Pure. */
export function chooseView(options: StatusOptions, isTerminal: boolean): StatusView {
  const chosen = (["json", "full", "compact", "pretty"] as const).filter((flag) => options[flag]);
  if (chosen.length > 1) {
    throw new UsageError(
      `Cannot combine ${chosen.map((f) => `--${f}`).join(" and ")}`,
      "pick one view: --pretty, --compact, --full or --json",
    );
  }
  if (options.json) return "json";
  if (options.full) return "full";
  if (options.compact) return "compact";
  if (options.pretty) return "dashboard";
  return isTerminal ? "dashboard" : "compact";
}

/** `--refresh`: the refresher loads only when asked for. */
async function refreshUsage(ctx: CommandContext, timeoutSeconds: number): Promise<void> {
  const { refreshUsageAndWarn } = await import("./doctor_report.ts");
  await refreshUsageAndWarn(ctx, timeoutSeconds);
}

/** Renders one view of a snapshot as lines (JSON as one pretty document). */
export function renderView(view: StatusView, snapshot: StatusSnapshot, ctx: CommandContext): string[] {
  switch (view) {
    case "json":
      return [JSON.stringify(statusJson(snapshot), null, 2)];
    case "full":
      return renderFull(snapshot, ctx.out.color);
    case "compact":
      return renderCompact(snapshot, ctx.out.color);
    case "dashboard":
      return renderDashboard(snapshot, ctx.out.color, outputWidth(ctx.deps) ?? DASHBOARD_WIDTH);
  }
}

/** Redraws `frame()` in place every `intervalMs` until `signal` aborts. */
export async function watchLoop(
  frame: () => Promise<string[]>,
  write: (text: string) => void,
  options: { intervalMs: number; signal: AbortSignal },
): Promise<void> {
  while (!options.signal.aborted) {
    const lines = await frame();
    if (options.signal.aborted) break;
    write("\x1b[H\x1b[2J" + lines.join("\n") + "\n");
    await sleep(options.intervalMs, options.signal);
  }
}

async function watchStatus(ctx: CommandContext, view: StatusView, options: StatusOptions): Promise<number> {
  if (view === "json") {
    throw new UsageError("Cannot combine --watch and --json", "use --watch with a text view");
  }
  const seconds = parseSeconds(options.watch, "--watch", DEFAULT_WATCH_SECONDS);
  const timeout = parseSeconds(options.timeout, "--timeout", DEFAULT_REFRESH_TIMEOUT_SECONDS);
  const controller = new AbortController();
  const stop = () => controller.abort();
  const stopListening = ctx.deps.onSignal("SIGINT", stop);
  let lastRefresh = -Infinity;
  try {
    await watchLoop(
      async () => {
        if (options.refresh && ctx.deps.now().getTime() - lastRefresh >= WATCH_REFRESH_MIN_MS) {
          lastRefresh = ctx.deps.now().getTime();
          await refreshUsage(ctx, timeout);
        }
        const snapshot = await collectStatus(ctx.home, {
          userCodexHome: ctx.userCodexHome,
          history: view === "full",
        });
        const shown = view === "compact" || view === "full" ? view : "dashboard";
        return [
          ...renderView(shown, snapshot, ctx),
          "",
          ctx.out.color.dim(`every ${seconds}s · Ctrl-C to stop`),
        ];
      },
      ctx.deps.stdout,
      { intervalMs: seconds * 1000, signal: controller.signal },
    );
  } finally {
    stopListening();
  }
  return signalExitCode("SIGINT");
}

/** `cao status`. */
export async function showStatus(ctx: CommandContext, options: StatusOptions): Promise<number> {
  checkStatusFlags(options);
  if (options.doctor) {
    const { runDoctor } = await import("./doctor_report.ts");
    return await runDoctor(ctx, { ...options, json: options.json === true });
  }
  if (options.report !== undefined && options.report !== false) {
    const { runReport } = await import("./doctor_report.ts");
    const format = typeof options.report === "string" ? options.report : options.json ? "json" : "md";
    return await runReport(ctx, { ...options, format, redact: options.redact === true });
  }
  const watching = options.watch !== undefined && options.watch !== false;
  // --watch redraws the dashboard unless a view is named, even when stdout is not a terminal.
  const view = chooseView(options, watching || ctx.deps.isTerminal().stdout);
  if (watching) return await watchStatus(ctx, view, options);
  if (options.refresh) {
    await refreshUsage(ctx, parseSeconds(options.timeout, "--timeout", DEFAULT_REFRESH_TIMEOUT_SECONDS));
  }
  const snapshot = await collectStatus(ctx.home, {
    userCodexHome: ctx.userCodexHome,
    history: view === "full" || view === "json",
  });
  for (const line of renderView(view, snapshot, ctx)) ctx.out.line(line);
  return ExitCode.ok;
}

/** Registers `cao status`. */
export function registerStatus(program: Command, run: Runner): void {
  // createOption() rather than `new Option`: a value import of commander would load it on the fast path.
  const status = program.command("status");
  status
    .description("every account at a glance: login, usage windows, cooldowns, failures")
    .option("--pretty", "the dashboard, even when stdout is not a terminal")
    .option("--compact", "one line per account (the default when stdout is not a terminal)")
    .option("--full", "every field of every account")
    .option("--json", "JSON ({ schemaVersion, accounts: [...] }; see the README)")
    .option(
      "--watch [seconds]",
      `redraw the dashboard every few seconds (default ${DEFAULT_WATCH_SECONDS}) until Ctrl-C`,
    )
    .option("--refresh", "ask each account's usage endpoint first (network)")
    .option(
      "--timeout <seconds>",
      `per-request timeout of --refresh (default ${DEFAULT_REFRESH_TIMEOUT_SECONDS})`,
    )
    .option(
      "--doctor",
      "check every account and the setup (as cao doctor); exit 0 healthy, 1 warnings, 2 errors",
    )
    .addOption(
      status.createOption("--report [format]", "a shareable report, md or json (as cao report)").choices([
        "md",
        "json",
      ]),
    )
    .option("--redact", "with --report: replace emails and account ids")
    .option("--expires-within-hours <hours>", "with --doctor: mention tokens expiring this soon (default 24)")
    .option("--max-failures <n>", "with --doctor: warn at this many failures in a row (default 3)")
    .action((options) => run((ctx) => showStatus(ctx, options)));
}
