/**
 * @module
 * Decides what completes the word under the cursor, given the completion tree and the words typed so far,
 * and writes the answer in the line protocol every shell script reads: one `value<TAB>description` line
 * per candidate, then `:<directive>` (`:4` nothing else, `:0` files, `:16` directories; the numbers are
 * cobra's, which the scripts test bitwise). Parses the words the way commander does: an option's value is
 * the next word (`<v>`), or the next word not starting with `-` (`[v]`); `--opt=value`; nothing after `--`.
 * Pure.
 */

import type { CompletionNode, CompletionOption, ValueKind } from "./completion_tree.ts";

/** One candidate for the word under the cursor. */
export interface Candidate {
  value: string;
  description: string;
}

/** What the shell should offer. */
export interface CompletionAnswer {
  candidates: Candidate[];
  /** Besides the candidates: nothing, the shell's file completion, or directories only. */
  fallback: "none" | "files" | "dirs";
}

/** Shell directives (cobra's numbers). */
export const DIRECTIVE = { files: 0, none: 4, dirs: 16 } as const;

/** Where the command line stands before the word under the cursor. */
interface Position {
  path: CompletionNode[];
  positionals: number;
  pending: CompletionOption | null;
  afterDashDash: boolean;
}

function optionsIn(path: CompletionNode[]): CompletionOption[] {
  return path.flatMap((node) => node.options);
}

function findOption(path: CompletionNode[], flag: string): CompletionOption | undefined {
  return optionsIn(path).find((option) => option.flags.includes(flag));
}

function walk(tree: CompletionNode, words: string[]): Position {
  const at: Position = { path: [tree], positionals: 0, pending: null, afterDashDash: false };
  for (const word of words) {
    if (at.afterDashDash) continue;
    const pending = at.pending;
    at.pending = null;
    if (pending && (pending.takes === "required" || !word.startsWith("-"))) continue;
    if (word === "--") {
      at.afterDashDash = true;
    } else if (word.startsWith("-") && word.length > 1) {
      const option = word.includes("=") ? undefined : findOption(at.path, word);
      if (option && option.takes !== "none") at.pending = option;
    } else {
      const node = at.path.at(-1)!;
      const child = at.positionals === 0 ? node.commands.find((c) => c.names.includes(word)) : undefined;
      if (child) {
        at.path.push(child);
        at.positionals = 0;
      } else {
        at.positionals++;
      }
    }
  }
  return at;
}

function valuesOf(kind: ValueKind, accounts: () => string[]): CompletionAnswer {
  switch (kind.kind) {
    case "choices":
      return { candidates: kind.values.map((value) => ({ value, description: "" })), fallback: "none" };
    case "accounts":
      return { candidates: accounts().map((value) => ({ value, description: "account" })), fallback: "none" };
    case "files":
      return { candidates: [], fallback: "files" };
    case "dirs":
      return { candidates: [], fallback: "dirs" };
    case "none":
      return { candidates: [], fallback: "none" };
  }
}

function flagsOf(path: CompletionNode[], current: string): Candidate[] {
  const candidates: Candidate[] = [];
  // The command's own options first, then those of the commands above it (the global ones last).
  for (const option of optionsIn([...path].reverse())) {
    const long = option.flags.find((flag) => flag.startsWith("--"));
    const shown = current === "-" || !long ? option.flags : [long];
    for (const flag of shown) candidates.push({ value: flag, description: option.description });
  }
  return candidates;
}

function commandsOf(node: CompletionNode): Candidate[] {
  return node.commands.flatMap((command) =>
    command.names.map((value) => ({ value, description: command.description }))
  );
}

function argumentAt(node: CompletionNode, index: number): ValueKind | null {
  if (index < node.arguments.length) return node.arguments[index];
  return node.variadic ? node.arguments.at(-1)! : null;
}

function byPrefix(answer: CompletionAnswer, prefix: string, shownAs = ""): CompletionAnswer {
  const seen = new Set<string>();
  const candidates = answer.candidates.filter((c) => {
    if (!c.value.startsWith(prefix) || seen.has(c.value)) return false;
    seen.add(c.value);
    return true;
  }).map((c) => ({ value: shownAs + c.value, description: c.description }));
  return { candidates, fallback: answer.fallback };
}

/**
 * What completes the last of `words` (the words after `cao`; the last one is the word under the cursor,
 * "" at a new word). `accounts` is asked only when account names are wanted.
 */
export function resolveCompletion(
  tree: CompletionNode,
  words: string[],
  accounts: () => string[],
): CompletionAnswer {
  const current = words.at(-1) ?? "";
  const at = walk(tree, words.slice(0, -1));
  if (at.afterDashDash) return { candidates: [], fallback: "files" };
  const node = at.path.at(-1)!;
  if (at.pending && at.pending.takes === "required") {
    return byPrefix(valuesOf(at.pending.value, accounts), current);
  }
  const inline = /^(--[^=]+)=(.*)$/.exec(current);
  if (inline) {
    const option = findOption(at.path, inline[1]);
    if (!option || option.takes === "none") return { candidates: [], fallback: "none" };
    return byPrefix(valuesOf(option.value, accounts), inline[2], `${inline[1]}=`);
  }
  const answer: CompletionAnswer = { candidates: [], fallback: "none" };
  if (at.pending) Object.assign(answer, valuesOf(at.pending.value, accounts));
  if (current.startsWith("-")) {
    answer.candidates.push(...flagsOf(at.path, current));
    return byPrefix(answer, current);
  }
  if (at.positionals === 0) answer.candidates.push(...commandsOf(node));
  const argument = argumentAt(node, at.positionals);
  if (argument) {
    const values = valuesOf(argument, accounts);
    answer.candidates.push(...values.candidates);
    if (answer.fallback === "none") answer.fallback = values.fallback;
  }
  if (!argument && answer.candidates.length === 0 && answer.fallback === "none" && current === "") {
    answer.candidates.push(...flagsOf(at.path, current));
  }
  return byPrefix(answer, current);
}

/** The `--data-dir` named in `words` (the last one given), or undefined. Pure. */
export function dataDirIn(words: string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < words.length; i++) {
    if (words[i] === "--") break;
    if (words[i] === "--data-dir" && i + 1 < words.length - 1) found = words[i + 1];
    else if (words[i].startsWith("--data-dir=") && i < words.length - 1) found = words[i].slice(11);
  }
  return found;
}

/** The answer in the scripts' line protocol. Pure. */
export function formatCompletion(answer: CompletionAnswer): string {
  const lines = answer.candidates.map((c) => `${c.value}\t${c.description.replace(/\s+/g, " ")}`);
  lines.push(`:${DIRECTIVE[answer.fallback]}`);
  return lines.join("\n") + "\n";
}
