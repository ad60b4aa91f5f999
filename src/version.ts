/**
 * @module
 * The version of this build, read once from deno.json. Everything that names cao's version (`--version`,
 * the gateway's health answer and log, the usage refresher's user agent) takes it from here.
 */

import denoJson from "../deno.json" with { type: "json" };

/** The version of this build, from deno.json. */
export const VERSION: string = denoJson.version;
