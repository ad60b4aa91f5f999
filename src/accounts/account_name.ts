/**
 * @module
 * Account-name validation. A name becomes a directory under the cao home, so anything that could escape it
 * or confuse a shell is refused before anything is created.
 */

import { UsageError } from "../shared/errors.ts";

const NAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

/** Why a name is not acceptable, or null when it is. Pure. */
export function accountNameProblem(name: string): string | null {
  if (name.length === 0) return "it is empty";
  if (name.length > 64) return "it is longer than 64 characters";
  if (name === "." || name === "..") return "it is a relative directory name";
  if (/[/\\]/.test(name)) return "it contains a path separator";
  if (!NAME_PATTERN.test(name)) return "it may contain only letters, digits, '.', '_', '-' and '@'";
  if (name.startsWith(".")) return "it starts with '.' (cao keeps its temp files under such names)";
  if (/\.(json|lock|log|toml)$/i.test(name) || /\.(corrupt|removed)-/.test(name)) {
    return "it looks like one of cao's own files in the cao home";
  }
  return null;
}

/** Returns `name` when it is a valid account name; throws a UsageError (exit 2) otherwise. */
export function validateAccountName(name: string): string {
  const problem = accountNameProblem(name);
  if (problem !== null) {
    throw new UsageError(
      `Cannot use account name "${name}": ${problem}`,
      "use 1-64 letters, digits, '.', '_', '-' or '@' (an email works)",
    );
  }
  return name;
}
