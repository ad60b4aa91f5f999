/**
 * @module
 * The argument parser's complaints (unknown option or command, missing or surplus argument, a value that is
 * not one of the choices, options that conflict) reworded the cao way: one `Cannot …` line and one hint
 * saying what to use instead. Commander's own text is only read here, never printed. Pure.
 */

/** What to print for a parser error. */
export interface UsageLines {
  message: string;
  hint: string | null;
}

/** Where the error happened: `cao` plus the command path, and that command's usage line. */
export interface ErrorPlace {
  /** e.g. `["gateway", "start"]`; empty for `cao` itself. */
  path: string[];
  /** Commander's usage of that command, e.g. `[options] <name>`. */
  usage: string;
}

function listText(items: string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** `--timeout` out of `option '--timeout <seconds>'` (or the flags themselves). */
function flagOf(flags: string): string {
  return flags.split(/[ ,|]+/).find((part) => part.startsWith("--")) ?? flags.split(/[ ,|]+/)[0];
}

/** Rewords commander's `message` (with its optional `(Did you mean …?)` line) for `place`. Pure. */
export function usageLines(message: string, place: ErrorPlace): UsageLines {
  const [first, ...rest] = message.split("\n");
  const text = first.replace(/^error: /, "");
  const command = ["cao", ...place.path].join(" ");
  const help = `see "${command} --help"`;
  const suggestion = /\(Did you mean (.+)\?\)/.exec(rest.join(" "))?.[1];
  const didYouMean = suggestion ? `did you mean ${suggestion}?` : null;
  let match: RegExpExecArray | null;
  if ((match = /^unknown option '(.+)'$/.exec(text))) {
    return { message: `Cannot use ${match[1]}: ${command} has no such option`, hint: didYouMean ?? help };
  }
  if ((match = /^unknown command '(.+)'$/.exec(text))) {
    return {
      message: `Cannot run "${command} ${match[1]}": there is no such command`,
      hint: didYouMean ?? help,
    };
  }
  if ((match = /^missing required argument '(.+)'$/.exec(text))) {
    return {
      message: `Cannot run "${command}": it needs <${match[1]}>`,
      hint: `usage: ${command} ${place.usage}`,
    };
  }
  if ((match = /^option '(.+)' argument missing$/.exec(text))) {
    return { message: `Cannot use ${flagOf(match[1])}: it needs a value`, hint: `write ${match[1]}` };
  }
  if ((match = /^option '(.+)' argument '(.*)' is invalid\. Allowed choices are (.+)\.$/.exec(text))) {
    return {
      message: `Cannot use ${flagOf(match[1])} "${match[2]}": the choices are ${
        listText(match[3].split(", "))
      }`,
      hint: null,
    };
  }
  if (
    (match = /^command-argument value '(.*)' is invalid for argument '(.+)'\. Allowed choices are (.+)\.$/
      .exec(text))
  ) {
    return {
      message: `Cannot use "${match[1]}" as <${match[2]}>: the choices are ${listText(match[3].split(", "))}`,
      hint: null,
    };
  }
  if (
    (match = /^too many arguments(?: for '.+')?\. Expected (\d+) arguments? but got \d+: (.+)\.$/.exec(text))
  ) {
    const takes = match[1] === "0" ? "takes no arguments" : `takes at most ${match[1]}`;
    return {
      message: `Cannot use "${match[2]}": ${command} ${takes}`,
      hint: `usage: ${command} ${place.usage}`,
    };
  }
  if ((match = /^option '(.+)' cannot be used with option '(.+)'$/.exec(text))) {
    return { message: `Cannot combine ${flagOf(match[1])} and ${flagOf(match[2])}`, hint: "use one of them" };
  }
  return { message: text, hint: didYouMean ?? help };
}
