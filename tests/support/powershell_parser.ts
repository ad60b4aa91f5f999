/**
 * @module
 * The npm packages of the PowerShell syntax check (tree-sitter and its PowerShell grammar), named once for
 * the test that runs them and for scripts/fetch_codex.ts, which caches them before the tests. They are used
 * only by `deno eval --no-config --no-lock`, never imported by the project. Test-only.
 */

/** `npm:` specifiers of the parser and the grammar. */
export const PARSER_PACKAGES = {
  parser: "npm:web-tree-sitter@0.27.2",
  grammar: "npm:tree-sitter-powershell@0.26.4",
} as const;
