/**
 * @module
 * The benchmark's floor: the barest Deno pass-through proxy (`Deno.serve` + `fetch`, the upstream body handed
 * on as is, no account logic). Run as a script with the upstream URL as argument; prints its own URL.
 */

// deno-lint-ignore-file no-console -- a benchmark: printing its figures is its job

const upstream = Deno.args[0];
const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
  const url = new URL(request.url);
  const response = await fetch(`${upstream}${url.pathname}${url.search}`, {
    method: request.method,
    headers: request.headers,
    body: request.body ? await request.arrayBuffer() : null,
  });
  return new Response(response.body, { status: response.status, headers: response.headers });
});
console.log(`http://127.0.0.1:${server.addr.port}`);
