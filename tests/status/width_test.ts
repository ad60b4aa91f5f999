/**
 * `cao list --details`, `cao list` and the dashboard of `cao status` fit the terminal at 60, 80 and 120
 * columns (COLUMNS), narrowing and dropping columns in the stated order; piped without COLUMNS, `cao list`
 * keeps whole lines.
 */
import assert from "node:assert/strict";
import { cutToWidth, fitTable } from "../../src/shared/fit_table.ts";
import { visibleWidth } from "../../src/shared/format.ts";
import { widthFrom } from "../../src/cli/terminal_width.ts";
import { dashboardLayout } from "../../src/status/render_dashboard.ts";
import { makeTempHome, runCaoInProcess, type TempHome } from "../support/run_cao.ts";
import { NOW, writeFourAccounts } from "./status_fixture.ts";

async function cao(home: TempHome, args: string[], columns?: number) {
  return await runCaoInProcess(home, args, {
    now: NOW,
    terminal: columns !== undefined,
    env: { NO_COLOR: "1", ...(columns === undefined ? {} : { COLUMNS: String(columns) }) },
  });
}

function header(stdout: string): string[] {
  return stdout.split("\n")[0].trim().split(/\s{2,}/);
}

function assertFits(stdout: string, width: number, what: string): void {
  for (const line of stdout.split("\n")) assert.ok(visibleWidth(line) <= width, `${what}: too wide: ${line}`);
}

Deno.test("cao list --details fits 60, 80 and 120 columns, dropping columns in the stated order", async () => {
  await using home = await makeTempHome();
  await writeFourAccounts(home);
  const piped = await cao(home, ["list", "--details"]);
  assert.deepEqual(header(piped.stdout), [
    "ACCOUNT",
    "EMAIL",
    "PLAN",
    "LOGIN",
    "TOKEN",
    "5H",
    "WEEKLY",
    "COOLDOWN",
    "LAST QUOTA HIT",
    "RUNS",
    "FAILURES",
  ]);
  assert.ok(piped.stdout.split("\n").some((line) => visibleWidth(line) > 120), "piped, nothing is cut");
  const kept: Record<number, string[]> = {};
  for (const width of [60, 80, 120]) {
    const result = await cao(home, ["list", "--details"], width);
    assert.equal(result.code, 0);
    assertFits(result.stdout, width, `list --details at ${width}`);
    kept[width] = header(result.stdout);
    for (const essential of ["ACCOUNT", "LOGIN", "5H", "WEEKLY", "COOLDOWN"]) {
      assert.ok(kept[width].includes(essential), `${essential} stays at ${width}`);
    }
  }
  // Columns go in the stated order: what 60 columns keep, 80 keep too, and 80 keep what 120 do but less.
  for (const column of kept[60]) assert.ok(kept[80].includes(column), column);
  for (const column of kept[80]) assert.ok(kept[120].includes(column), column);
  assert.ok(!kept[120].includes("LAST QUOTA HIT"), "LAST QUOTA HIT goes first");
  assert.ok(kept[120].includes("FAILURES") && !kept[80].includes("FAILURES"));
  assert.ok(!kept[60].includes("EMAIL"), "EMAIL goes last");
});

Deno.test("cao list fits 60 columns by shortening emails and dropping TOKEN and PLAN", async () => {
  await using home = await makeTempHome();
  await writeFourAccounts(home);
  const wide = await cao(home, ["list"], 120);
  assert.deepEqual(header(wide.stdout), ["ACCOUNT", "EMAIL", "PLAN", "LOGIN", "TOKEN"]);
  const narrow = await cao(home, ["list"], 60);
  assertFits(narrow.stdout, 60, "list at 60");
  assert.ok(header(narrow.stdout).includes("EMAIL"));
});

Deno.test("the dashboard fits 60, 80 and 120 columns; its bars shrink before anything is cut", async () => {
  await using home = await makeTempHome();
  await writeFourAccounts(home);
  for (const width of [60, 80, 120]) {
    const result = await cao(home, ["status"], width);
    assert.equal(result.code, 0);
    assertFits(result.stdout, width, `dashboard at ${width}`);
    assert.match(result.stdout, /@example\.com/, `emails are still shown at ${width}`);
    assert.equal(
      result.stdout.split("\n")[1],
      "─".repeat(Math.min(width, 78)),
      `the rule is the width (${width})`,
    );
  }
  assert.deepEqual(dashboardLayout(120), { width: 78, barCells: 20 });
  assert.deepEqual(dashboardLayout(60), { width: 60, barCells: 20 });
  assert.deepEqual(dashboardLayout(45), { width: 45, barCells: 10 });
  const tiny = await cao(home, ["status"], 40);
  assertFits(tiny.stdout, 40, "dashboard at 40");
});

Deno.test("widthFrom() takes COLUMNS, else the terminal's width, else no limit", () => {
  assert.equal(widthFrom({ columnsEnv: "72", isTerminal: false, terminalColumns: null }), 72);
  assert.equal(widthFrom({ columnsEnv: "x", isTerminal: true, terminalColumns: 100 }), 100);
  assert.equal(widthFrom({ columnsEnv: undefined, isTerminal: false, terminalColumns: 100 }), null);
  assert.equal(widthFrom({ columnsEnv: "0", isTerminal: false, terminalColumns: null }), null);
});

Deno.test("fitTable() applies the cuts in order and only as far as needed; cutToWidth() keeps colours whole", () => {
  const rows = [["alpha", "someone@example.com", "plus"]];
  const head = ["NAME", "EMAIL", "PLAN"];
  const cuts = [{ column: "EMAIL", shortenTo: 8 }, { column: "PLAN", drop: true as const }];
  assert.deepEqual(fitTable(head, rows, null, cuts), [
    "NAME   EMAIL                PLAN",
    "alpha  someone@example.com  plus",
  ]);
  assert.deepEqual(fitTable(head, rows, 24, cuts), ["NAME   EMAIL     PLAN", "alpha  someone…  plus"]);
  assert.deepEqual(fitTable(head, rows, 16, cuts), ["NAME   EMAIL", "alpha  someone…"]);
  assert.equal(cutToWidth("\x1b[32mlogged in\x1b[39m", 6), "\x1b[32mlogge…\x1b[0m");
  assert.equal(cutToWidth("short", 6), "short");
});
