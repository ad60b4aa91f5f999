/**
 * @module
 * Where a gateway is: the one loopback check (127.0.0.0/8, `localhost`, `::1`) for binds and URLs, and the
 * one builder of the URL at which this machine reaches a gateway listening on `bind:port` — what
 * `cao gateway status|stop` probe, what `cao gateway enable` writes into the user's config.toml and what
 * `cao run --gateway` routes through — plus the key path Codex is given (`<url>/k/<key>`). Pure; imports
 * nothing, so the status fast path may use it.
 */

/** Where a gateway listens (the fields of its settings that say so). */
export interface GatewayAddress {
  /** The address it binds: loopback, a wildcard (`0.0.0.0`, `::`) or another address of this machine. */
  bind: string;
  /** The TCP port. */
  port: number;
}

/** Whether `host` (an address or host name, IPv6 with or without brackets) is this machine's loopback. Pure. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Whether `url` is an http(s) URL on this machine's loopback. Pure. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && isLoopbackHost(parsed.hostname);
  } catch {
    return false;
  }
}

/** Whether `bind` listens on every address of the machine. Pure. */
export function isWildcardBind(bind: string): boolean {
  const b = bind.replace(/^\[|\]$/g, "");
  return b === "0.0.0.0" || b === "::";
}

/**
 * The URL (`http://host:port`, no path) at which this machine reaches a gateway listening on `address`: a
 * wildcard bind is reached on 127.0.0.1, any other bind on itself (a gateway bound to 192.168.7.7 does not
 * listen on 127.0.0.1). Pure.
 */
export function gatewayUrl(address: GatewayAddress): string {
  const host = isWildcardBind(address.bind) ? "127.0.0.1" : address.bind.replace(/^\[|\]$/g, "");
  return `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
}

/** The URL Codex uses as `openai_base_url`: the gateway URL plus the key prefix `/k/<key>`. Pure. */
export function gatewayBaseUrl(url: string, key: string): string {
  return `${url.replace(/\/+$/, "")}/k/${key}`;
}
