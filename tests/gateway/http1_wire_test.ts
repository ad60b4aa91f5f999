/**
 * Unit tests of the HTTP/1.1 wire format: request bytes, response heads, and the body decoder fed with
 * literal socket reads split at awkward places.
 */

import assert from "node:assert/strict";
import { BodyDecoder } from "../../src/gateway/body_decoder.ts";
import { headText, parseResponseHead, requestBytes } from "../../src/gateway/http1_wire.ts";
import { parseRequestHead } from "../../src/gateway/http1_server_wire.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | null) => data === null ? null : new TextDecoder().decode(data);

Deno.test("requestBytes() writes one buffer: request line, host, headers, content-length, body", () => {
  const [all, ...more] = requestBytes(
    "POST",
    "/responses?x=1",
    "h:1",
    { accept: "text/event-stream" },
    bytes("{}"),
    {
      "accept-encoding": "identity",
    },
  );
  assert.equal(more.length, 0);
  assert.equal(
    text(all),
    "POST /responses?x=1 HTTP/1.1\r\nhost: h:1\r\naccept: text/event-stream\r\naccept-encoding: identity\r\n" +
      "content-length: 2\r\n\r\n{}",
  );
  assert.equal(text(requestBytes("GET", "/m", "h", {}, null)[0]), "GET /m HTTP/1.1\r\nhost: h\r\n\r\n");
  assert.equal(requestBytes("POST", "/", "h", {}, new Uint8Array(2 * 1024 * 1024)).length, 2);
});

Deno.test("headText() reads a head byte for byte: ASCII as it is, any other byte as the latin1 decoder does", () => {
  assert.equal(headText(bytes("HTTP/1.1 200 OK\r\nx: y")), "HTTP/1.1 200 OK\r\nx: y");
  // A lone 0xe9 is "é" in ISO-8859-1 and invalid UTF-8; the UTF-8 bytes of "é" are two characters.
  assert.equal(headText(Uint8Array.of(0x61, 0xe9, 0x62)), "a\u00e9b");
  assert.equal(headText(bytes("caf\u00e9")), "caf\u00c3\u00a9");
  assert.equal(headText(bytes("\uFFFD")), "\u00ef\u00bf\u00bd");
  // Whatever is not ASCII is read as before this fast path: by the WHATWG "latin1" decoder (windows-1252).
  const mixed = Uint8Array.of(0x41, 0xff, 0x80, 0x9f, 0xc3);
  assert.equal(headText(mixed), new TextDecoder("latin1").decode(mixed));
  const wire = Uint8Array.of(...bytes("GET / HTTP/1.1\r\nhost: h\r\nx-name: Jos"), 0xe9);
  const head = parseRequestHead(wire, wire.byteLength);
  assert.deepEqual(head.fields, [["host", "h"], ["x-name", "Jos\u00e9"]]);
});

Deno.test("requestBytes() encodes header values as TextEncoder does, and keeps the body after the head", () => {
  const body = bytes('{"a":1}');
  const [all] = requestBytes("POST", "/r", "h", { "x-name": "Jos\u00e9 \u{1f600}" }, body);
  const head = "POST /r HTTP/1.1\r\nhost: h\r\nx-name: Jos\u00e9 \u{1f600}\r\ncontent-length: 7\r\n\r\n";
  assert.deepEqual([...all], [...bytes(head), ...body]);
});

Deno.test("parseResponseHead() waits for the blank line, then reads status, headers and framing", () => {
  assert.equal(
    parseResponseHead(bytes("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"), "POST"),
    null,
  );
  const wire = bytes(
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n" +
      "Transfer-Encoding: chunked\r\n\r\n5\r\nhello",
  );
  const head = parseResponseHead(wire, "POST")!;
  assert.equal(head.status, 200);
  assert.deepEqual(head.framing, { kind: "chunked" });
  assert.equal(head.keepAlive, true);
  assert.equal(head.headers.get("content-type"), "text/event-stream");
  assert.equal(head.headers.get("set-cookie"), "a=1, b=2");
  assert.equal(head.headers.get("x-absent"), null);
  assert.equal(head.headers.has("transfer-encoding"), true);
  assert.equal(head.headers.has("x-absent"), false);
  const seen: string[] = [];
  head.headers.forEach((v, n) => seen.push(`${n}=${v}`));
  assert.deepEqual(seen.slice(1, 3), ["set-cookie=a=1", "set-cookie=b=2"]);
  assert.equal(text(wire.subarray(head.headBytes)), "5\r\nhello");

  const json = parseResponseHead(
    bytes("HTTP/1.1 429 Too Many\r\ncontent-length: 12\r\nconnection: close\r\n\r\n"),
    "POST",
  )!;
  assert.deepEqual([json.status, json.framing, json.keepAlive], [429, { kind: "length", length: 12 }, false]);
  assert.deepEqual(parseResponseHead(bytes("HTTP/1.1 200 OK\r\n\r\n"), "GET")!.framing, {
    kind: "until-close",
  });
  assert.equal(parseResponseHead(bytes("HTTP/1.1 200 OK\r\n\r\n"), "GET")!.keepAlive, false);
  assert.deepEqual(parseResponseHead(bytes("HTTP/1.1 204 No Content\r\n\r\n"), "POST")!.framing, {
    kind: "none",
  });
  assert.deepEqual(
    parseResponseHead(bytes("HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\n"), "HEAD")!.framing,
    {
      kind: "none",
    },
  );
  assert.equal(
    parseResponseHead(bytes("HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n"), "GET")!.keepAlive,
    false,
  );
  assert.throws(() => parseResponseHead(bytes("SSH-2.0-x\r\n\r\n"), "GET"), /malformed status line/);
  assert.throws(
    () =>
      parseResponseHead(bytes("HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n"), "GET"),
    /content-length/,
  );
});

Deno.test("BodyDecoder removes chunked framing across reads and returns one buffer per read", () => {
  const decoder = new BodyDecoder({ kind: "chunked" });
  const wire = "6\r\nevent:\r\n1;ext=1\r\n \r\nA\r\ndata: {}\n\n\r\n0\r\nx-trailer: 1\r\n\r\n";
  const out: string[] = [];
  // Split at every awkward place: inside sizes, CRLFs, data and the trailer.
  for (const cut of [2, 5, 9, 15, 20, 33, 40, wire.length]) {
    const from = out.length === 0 ? 0 : [2, 5, 9, 15, 20, 33, 40][out.length - 1];
    const result = decoder.decode(bytes(wire.slice(from, cut)));
    out.push(text(result.data) ?? "");
    if (cut === wire.length) assert.deepEqual([result.done, result.excess], [true, 0]);
    else assert.equal(result.done, false);
  }
  assert.equal(out.join(""), "event: data: {}\n\n");
  assert.equal(decoder.done, true);

  const many = new BodyDecoder({ kind: "chunked" }).decode(
    bytes("3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\nHTTP/1.1"),
  );
  assert.deepEqual([text(many.data), many.done, many.excess], ["abcdef", true, 8]);
  assert.throws(() => new BodyDecoder({ kind: "chunked" }).decode(bytes("zz\r\n")), /chunk size/);
  assert.throws(() => new BodyDecoder({ kind: "chunked" }).decode(bytes("1\r\nab")), /chunk end/);
  assert.throws(() => new BodyDecoder({ kind: "chunked" }).decode(bytes("fffffffffffff\r\n")), /too large/);
});

Deno.test("BodyDecoder counts a content-length body and passes an until-close body through", () => {
  const fixed = new BodyDecoder({ kind: "length", length: 5 });
  assert.deepEqual([text(fixed.decode(bytes("abc")).data), fixed.done], ["abc", false]);
  const last = fixed.decode(bytes("defg"));
  assert.deepEqual([text(last.data), last.done, last.excess], ["de", true, 2]);
  const open = new BodyDecoder({ kind: "until-close" });
  assert.deepEqual([text(open.decode(bytes("xyz")).data), open.done, open.endsAtClose], ["xyz", false, true]);
  assert.equal(new BodyDecoder({ kind: "none" }).done, true);
});

Deno.test("BodyDecoder's view mode hands out the payload in place, where the default copies it", () => {
  const framings = [
    { framing: { kind: "chunked" } as const, wire: "3\r\nabc\r\n3\r\ndef\r\n" },
    { framing: { kind: "length", length: 6 } as const, wire: "abcdef" },
    { framing: { kind: "until-close" } as const, wire: "abcdef" },
  ];
  for (const { framing, wire } of framings) {
    const src = bytes(wire);
    const view = new BodyDecoder(framing).decode(src, true).data!;
    assert.equal(text(view), "abcdef", framing.kind);
    assert.equal(view.buffer, src.buffer, `${framing.kind}: a view of the read`);
    src[0] = 120; // the read buffer's next use shows through a view...
    assert.equal(text(view)!.slice(0, 1), "x", framing.kind);
    const copy = new BodyDecoder(framing).decode(bytes(wire)).data!;
    assert.notEqual(copy.buffer, src.buffer, `${framing.kind}: a copy by default`);
    assert.equal(text(copy), "abcdef", framing.kind); // ...and never through a copy
  }
});
