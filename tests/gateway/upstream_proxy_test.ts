/** Unit tests of the outbound proxy choice (the environment variables Deno's fetch honours). */

import assert from "node:assert/strict";
import { gatewayNetHosts } from "../../src/gateway/detached.ts";
import { bypassesProxy, proxyFor, proxySettingsFromEnv } from "../../src/gateway/upstream_proxy.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("proxySettingsFromEnv() reads HTTPS_PROXY, HTTP_PROXY (either case), ALL_PROXY and NO_PROXY", () => {
  assert.deepEqual(proxySettingsFromEnv(env({})), { http: null, https: null, noProxy: [] });
  assert.deepEqual(
    proxySettingsFromEnv(env({ https_proxy: "http://p:3128", HTTP_PROXY: " ", ALL_PROXY: "http://all:1" })),
    { http: "http://all:1", https: "http://p:3128", noProxy: [] },
  );
  assert.deepEqual(proxySettingsFromEnv(env({ NO_PROXY: " Example.com, ,.corp ,10.0.0.0/8" })).noProxy, [
    "example.com",
    ".corp",
    "10.0.0.0/8",
  ]);
});

Deno.test("bypassesProxy() matches *, hosts with their subdomains, leading dots, ports, IPs and IPv4 ranges", () => {
  assert.equal(bypassesProxy("chatgpt.com", ["*"]), true);
  assert.equal(bypassesProxy("api.chatgpt.com", ["chatgpt.com"]), true);
  assert.equal(bypassesProxy("chatgpt.com", [".chatgpt.com"]), true);
  assert.equal(bypassesProxy("notchatgpt.com", ["chatgpt.com"]), false);
  assert.equal(bypassesProxy("chatgpt.com", ["chatgpt.com:443"]), true);
  assert.equal(bypassesProxy("10.1.2.3", ["10.0.0.0/8"]), true);
  assert.equal(bypassesProxy("11.1.2.3", ["10.0.0.0/8"]), false);
  assert.equal(bypassesProxy("[::1]", ["::1"]), true);
  assert.equal(bypassesProxy("chatgpt.com", []), false);
});

Deno.test("proxyFor() picks the proxy by the target's scheme, with credentials as Basic auth", () => {
  const settings = { https: "user:secret@proxy.local:8080", http: null, noProxy: ["localhost"] };
  const route = proxyFor(new URL("https://chatgpt.com/backend-api/codex"), settings)!;
  assert.deepEqual(route, {
    protocol: "http:",
    hostname: "proxy.local",
    port: 8080,
    authorization: `Basic ${btoa("user:secret")}`,
    host: "proxy.local:8080",
  });
  assert.equal(proxyFor(new URL("http://chatgpt.com/"), settings), null);
  assert.equal(proxyFor(new URL("https://localhost:9/"), settings), null);
  assert.equal(proxyFor(new URL("https://chatgpt.com/"), null), null);
  assert.equal(proxyFor(new URL("https://x/"), { ...settings, https: "socks5://s" })!.protocol, "socks5:");
  assert.equal(proxyFor(new URL("https://x/"), { ...settings, https: "http://p" })!.port, 80);
});

Deno.test("gatewayNetHosts() lets a detached gateway reach its outbound proxy", () => {
  assert.deepEqual(
    gatewayNetHosts(
      "127.0.0.1",
      "https://chatgpt.com/backend-api/codex",
      "https://auth.openai.com/oauth/token",
      [
        "proxy.local:3128",
      ],
    ),
    ["127.0.0.1", "localhost", "proxy.local:3128", "chatgpt.com", "auth.openai.com"],
  );
});
