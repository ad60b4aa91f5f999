/**
 * @module
 * Unit tests of `gateway/address.ts`: the loopback checks and the one gateway URL builder, with literal inputs.
 */

import assert from "node:assert/strict";
import {
  gatewayBaseUrl,
  gatewayUrl,
  isLoopbackHost,
  isLoopbackUrl,
  isWildcardBind,
} from "../../src/gateway/address.ts";

Deno.test("isLoopbackHost() knows 127.0.0.0/8, localhost and ::1, with or without brackets", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) {
    assert.ok(isLoopbackHost(host), host);
  }
  for (const host of ["0.0.0.0", "::", "192.168.7.7", "128.0.0.1", "example.com", "localhost.example"]) {
    assert.ok(!isLoopbackHost(host), host);
  }
});

Deno.test("isWildcardBind() knows 0.0.0.0 and ::", () => {
  assert.deepEqual(["0.0.0.0", "::", "[::]", "127.0.0.1", "192.168.7.7"].map(isWildcardBind), [
    true,
    true,
    true,
    false,
    false,
  ]);
});

Deno.test("gatewayUrl() is where this machine reaches the gateway: the bind itself, 127.0.0.1 for a wildcard", () => {
  assert.equal(gatewayUrl({ bind: "127.0.0.1", port: 4319 }), "http://127.0.0.1:4319");
  assert.equal(gatewayUrl({ bind: "0.0.0.0", port: 4319 }), "http://127.0.0.1:4319");
  assert.equal(gatewayUrl({ bind: "::", port: 1 }), "http://127.0.0.1:1");
  assert.equal(gatewayUrl({ bind: "192.168.7.7", port: 4319 }), "http://192.168.7.7:4319");
  assert.equal(gatewayUrl({ bind: "::1", port: 4319 }), "http://[::1]:4319");
  assert.equal(gatewayUrl({ bind: "[::1]", port: 4319 }), "http://[::1]:4319");
});

Deno.test("gatewayBaseUrl() puts the key path after the URL; isLoopbackUrl() takes http(s) on loopback only", () => {
  assert.equal(
    gatewayBaseUrl("http://127.0.0.1:4319/", "sk-cao-gw-x"),
    "http://127.0.0.1:4319/k/sk-cao-gw-x",
  );
  assert.ok(isLoopbackUrl("http://[::1]:4319/k/x"));
  assert.ok(isLoopbackUrl("https://localhost/v1"));
  assert.ok(!isLoopbackUrl("ws://127.0.0.1:4319"));
  assert.ok(!isLoopbackUrl("http://192.168.7.7:4319"));
  assert.ok(!isLoopbackUrl("not a url"));
});
