/**
 * @module
 * A CaoHome in a temp directory with a pinned clock and recorded warnings, removed on dispose. Test-only.
 */

import { type CaoHome, openCaoHome } from "../../src/accounts/cao_home.ts";

/** A temp CaoHome plus the warnings it received. */
export interface TestCaoHome extends CaoHome, AsyncDisposable {
  warnings: string[];
  /** Moves the pinned clock. */
  setNow(date: Date): void;
}

/** Creates a CaoHome under a fresh temp directory (the home itself is not created yet). */
export async function tempCaoHome(now = new Date("2026-11-21T12:00:00Z")): Promise<TestCaoHome> {
  const dir = await Deno.makeTempDir({ prefix: "cao-home-" });
  const warnings: string[] = [];
  let clock = now;
  const home = openCaoHome(`${dir}/cao`, () => clock, (message) => warnings.push(message));
  return {
    ...home,
    warnings,
    setNow: (date) => clock = date,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
