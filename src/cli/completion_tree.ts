/**
 * @module
 * What the shells complete, read off the commander program itself (every command, alias, option and
 * argument that `--help` shows), so a command added to the command table completes with no extra work. The
 * kind of value an option or argument takes follows from its choices or its placeholder: `<name>`,
 * `<old>` and `<account>` are account names, `<path>` and `<file>` files, `<dir>` directories. Reads the
 * program only; decides nothing about a command line (that is `completion_resolve.ts`).
 */

import type { Command } from "../deps/commander.ts";

/** What a value completes to. */
export type ValueKind =
  | { kind: "none" }
  | { kind: "choices"; values: string[] }
  | { kind: "accounts" }
  | { kind: "files" }
  | { kind: "dirs" };

/** One option as the shells see it. */
export interface CompletionOption {
  /** `--long` and `-s` spellings. */
  flags: string[];
  description: string;
  /** Whether the option takes a value: never, always (`<v>`), or when one follows (`[v]`). */
  takes: "none" | "required" | "optional";
  value: ValueKind;
}

/** One command (or the program itself) as the shells see it. */
export interface CompletionNode {
  /** The name and its aliases. */
  names: string[];
  description: string;
  options: CompletionOption[];
  /** Positional arguments in order. */
  arguments: ValueKind[];
  /** The last argument takes any number of words. */
  variadic: boolean;
  commands: CompletionNode[];
}

/** The parts of commander's Option, Argument and Command this module reads. */
interface OptionLike {
  flags: string;
  description: string;
  long?: string;
  short?: string;
  required: boolean;
  optional: boolean;
  argChoices?: readonly string[];
}

interface ArgumentLike {
  name(): string;
  variadic: boolean;
  argChoices?: readonly string[];
}

interface CommandLike {
  name(): string;
  aliases(): string[];
  description(): string;
  registeredArguments: readonly ArgumentLike[];
  createHelp(): {
    visibleCommands(command: CommandLike): CommandLike[];
    visibleOptions(command: CommandLike): OptionLike[];
  };
}

/** Placeholders whose values are account names. */
const ACCOUNT_PLACEHOLDERS = new Set(["name", "old", "account"]);

/** The kind of value a placeholder (`name`, `path`, …) or a list of choices stands for. Pure. */
export function valueKindOf(placeholder: string, choices?: readonly string[]): ValueKind {
  if (choices && choices.length > 0) return { kind: "choices", values: [...choices] };
  const word = placeholder.replace(/\.\.\.$/, "");
  if (ACCOUNT_PLACEHOLDERS.has(word)) return { kind: "accounts" };
  if (word === "path" || word === "file") return { kind: "files" };
  if (word === "dir") return { kind: "dirs" };
  return { kind: "none" };
}

function optionOf(option: OptionLike): CompletionOption {
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? "";
  return {
    flags: [option.long, option.short].filter((flag): flag is string => typeof flag === "string"),
    description: option.description,
    takes: option.required ? "required" : option.optional ? "optional" : "none",
    value: valueKindOf(placeholder, option.argChoices),
  };
}

function nodeOf(command: CommandLike): CompletionNode {
  const help = command.createHelp();
  const args = command.registeredArguments;
  return {
    names: [command.name(), ...command.aliases()],
    description: command.description(),
    options: help.visibleOptions(command).map(optionOf),
    arguments: args.map((arg) => valueKindOf(arg.name(), arg.argChoices)),
    variadic: args.at(-1)?.variadic ?? false,
    commands: help.visibleCommands(command).map(nodeOf),
  };
}

/** The completion tree of a program: every visible command, option and argument. */
export function completionTree(program: Command): CompletionNode {
  return nodeOf(program as unknown as CommandLike);
}
