/**
 * @module
 * Which outbound proxy an upstream request takes, from the same environment variables Deno's `fetch`
 * honours: `HTTPS_PROXY` for https targets, `HTTP_PROXY` for http ones (either in lower case too, and
 * `ALL_PROXY` for both), and `NO_PROXY` (`*`, host names that also cover their subdomains, a leading dot,
 * IP addresses and IPv4 CIDR ranges) for the hosts that go direct. Pure: the caller reads the environment.
 */

/** The proxy environment, as read once at start. */
export interface UpstreamProxySettings {
  /** Proxy URL for http targets, or null. */
  http: string | null;
  /** Proxy URL for https targets, or null. */
  https: string | null;
  /** `NO_PROXY` entries, trimmed and lower-cased. */
  noProxy: string[];
}

/** The proxy a request goes through. */
export interface ProxyRoute {
  /** `http:` (CONNECT for https targets, absolute-form for http ones), or another scheme (not handled here). */
  protocol: string;
  hostname: string;
  port: number;
  /** `Proxy-Authorization` value from the URL's user info, or null. */
  authorization: string | null;
  /** `host:port` of the proxy (for permissions and pooling). */
  host: string;
}

function first(env: (name: string) => string | undefined, ...names: string[]): string | null {
  for (const name of names) {
    const value = env(name)?.trim();
    if (value) return value;
  }
  return null;
}

/** Reads the proxy settings from an environment lookup. Pure. */
export function proxySettingsFromEnv(env: (name: string) => string | undefined): UpstreamProxySettings {
  const all = first(env, "ALL_PROXY", "all_proxy");
  return {
    http: first(env, "HTTP_PROXY", "http_proxy") ?? all,
    https: first(env, "HTTPS_PROXY", "https_proxy") ?? all,
    noProxy: (first(env, "NO_PROXY", "no_proxy") ?? "").split(",").map((e) => e.trim().toLowerCase())
      .filter((e) => e !== ""),
  };
}

function ipv4(host: string): number | null {
  const parts = host.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/** Whether `NO_PROXY` sends `hostname` direct. Pure. */
export function bypassesProxy(hostname: string, noProxy: string[]): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  for (const raw of noProxy) {
    if (raw === "*") return true;
    const slash = raw.indexOf("/");
    if (slash > 0) {
      const base = ipv4(raw.slice(0, slash));
      const bits = Number(raw.slice(slash + 1));
      const address = ipv4(host);
      if (base === null || address === null || !Number.isInteger(bits) || bits < 0 || bits > 32) continue;
      const size = 2 ** (32 - bits);
      if (Math.floor(address / size) === Math.floor(base / size)) return true;
      continue;
    }
    let entry = raw.replace(/^\*?\./, "");
    if (entry.startsWith("[")) {
      entry = entry.slice(1, entry.indexOf("]") < 0 ? undefined : entry.indexOf("]"));
    } else if (entry.split(":").length === 2) entry = entry.replace(/:\d*$/, "");
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** The proxy for `target`, or null to connect directly. Throws on a proxy URL that cannot be parsed. Pure. */
export function proxyFor(target: URL, settings: UpstreamProxySettings | null): ProxyRoute | null {
  if (settings === null) return null;
  const raw = target.protocol === "https:" ? settings.https : settings.http;
  if (raw === null || bypassesProxy(target.hostname, settings.noProxy)) return null;
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : url.protocol === "http:" ? 80 : 1080));
  const user = decodeURIComponent(url.username);
  const authorization = user !== "" || url.password !== ""
    ? `Basic ${
      btoa(String.fromCharCode(...new TextEncoder().encode(`${user}:${decodeURIComponent(url.password)}`)))
    }`
    : null;
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  return { protocol: url.protocol, hostname, port, authorization, host: `${url.hostname}:${port}` };
}
