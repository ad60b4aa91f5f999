/**
 * @module
 * Adapter for the command-line parser stand-in (`npm:commander` with `@commander-js/extra-typings`, in place
 * of `@cliffy/command`). Everything in `src/cli/` imports the parser from here.
 */

export { Argument, Command, CommanderError, Option } from "@commander-js/extra-typings";
