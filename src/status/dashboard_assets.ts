/**
 * @module
 * The dashboard page's stylesheet and script, as strings in the program itself (so they work from a
 * `deno compile` binary and from `jsr:`, with no file to find and no network). The stylesheet follows the
 * system's dark mode and stacks the table into cards on a narrow window; the script counts every
 * `<time data-at>` down once a second and replaces `<main>` with each `state` event of `events` (the
 * server-sent updates), saying in `#live` whether the page is live. Nothing else: no request but the event
 * stream, no storage, no key.
 */

/** `app.css`. */
export const DASHBOARD_CSS = `
:root{color-scheme:light dark;--bg:#f7f7f8;--fg:#1d1f23;--muted:#5f6570;--card:#fff;--line:#d9dce1;
--ok:#1f8f4e;--warn:#b7791f;--full:#c53030;--p:#2b6cb0;--s:#805ad5;--reset:#718096;--switch:#dd6b20;--track:#e5e7eb}
@media (prefers-color-scheme:dark){:root{--bg:#15171b;--fg:#e6e8eb;--muted:#9aa1ad;--card:#1e2127;--line:#343842;
--ok:#48bb78;--warn:#ecc94b;--full:#fc8181;--p:#63b3ed;--s:#b794f4;--reset:#a0aec0;--switch:#f6ad55;--track:#2d3139}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.35em;margin:0 0 4px}h2{font-size:1.1em;margin:24px 0 8px}
code{font:0.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--track);padding:1px 4px;border-radius:3px}
small{display:block;color:var(--muted);font-size:0.82em}
.summary,.updated,.none{color:var(--muted);margin:4px 0}
.range a{margin-right:12px;color:var(--p)}.range a[aria-current]{font-weight:600;color:var(--fg);text-decoration:none}
table.accounts{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:6px}
.accounts th,.accounts td{padding:8px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
.accounts thead th{font-size:0.85em;color:var(--muted);font-weight:600}
.name{font-weight:600}
.tag{display:inline-block;font-size:0.75em;font-weight:500;padding:0 6px;border-radius:9px;border:1px solid var(--line);color:var(--muted)}
.tag-gateway{border-color:var(--p);color:var(--p)}
.plan{color:var(--muted);font-size:0.85em}
.state-ready .state{color:var(--ok)}.state-cooling .state{color:var(--warn)}
.state-needs-relogin .state,.state-not-logged-in .state,.state-unreadable .state{color:var(--full)}
.state{font-weight:600}
.window{min-width:170px}
svg.bar{display:block;width:100%;height:8px;margin:4px 0}
.bar .track{fill:var(--track)}.bar .fill{fill:var(--ok)}
.bar.level-warn .fill{fill:var(--warn)}.bar.level-full .fill{fill:var(--full)}
.pct{font-variant-numeric:tabular-nums;font-weight:600}.reset{color:var(--muted);font-size:0.85em}
time{font-variant-numeric:tabular-nums}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(440px,100%),1fr));gap:12px}
figure.chart-card{margin:0;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px}
figcaption{display:flex;flex-wrap:wrap;justify-content:space-between;gap:6px;font-size:0.9em}
.legend .key{margin-left:8px;color:var(--muted);font-size:0.85em}
.legend .key::before{content:"";display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle;background:currentColor}
.key-primary{color:var(--p)!important}.key-secondary{color:var(--s)!important}
.key-reset{color:var(--reset)!important}.key-limit{color:var(--full)!important}.key-switch{color:var(--switch)!important}
svg.chart{display:block;width:100%;height:auto}
.chart .grid{stroke:var(--line);stroke-width:1}.chart .tick{stroke:var(--muted)}
.chart .axis,.chart .empty{fill:var(--muted);font-size:13px}
.chart .series{fill:none;stroke-width:2;stroke-linejoin:round}
.chart .series-primary{stroke:var(--p)}.chart .series-secondary{stroke:var(--s);stroke-dasharray:5 3}
.chart .mark{stroke-width:1.5;stroke-dasharray:2 3}.chart .mark-reset{stroke:var(--reset)}
.chart .mark-limit{stroke:var(--full);stroke-dasharray:none}.chart .mark-switch{stroke:var(--switch);stroke-dasharray:none}
ol.events{list-style:none;padding:0;margin:0;background:var(--card);border:1px solid var(--line);border-radius:6px}
.events li{padding:6px 10px;border-bottom:1px solid var(--line)}.events li:last-child{border-bottom:0}
.events time{color:var(--muted);display:inline-block;min-width:7.5em}
.event-limit span{color:var(--full)}.event-switch span{color:var(--switch)}
.live{max-width:1100px;margin:0 auto 16px;padding:0 16px;color:var(--muted);font-size:0.85em}
.live[data-state=live]::before{content:"● ";color:var(--ok)}
.live[data-state=reconnecting]::before,.live[data-state=closed]::before{content:"● ";color:var(--warn)}
@media (max-width:720px){
main{padding:10px}
table.accounts,.accounts tbody,.accounts tr,.accounts th,.accounts td{display:block;width:100%}
.accounts thead{display:none}
.accounts tr{border-bottom:2px solid var(--line)}.accounts th,.accounts td{border:0;padding:4px 10px}
.accounts td::before{content:attr(data-label);display:block;font-size:0.75em;color:var(--muted)}
.charts{grid-template-columns:1fr}}
`;

/** `app.js`. */
export const DASHBOARD_JS = `"use strict";
(() => {
  const main = document.getElementById("main");
  const live = document.getElementById("live");
  if (!main || !live || typeof EventSource === "undefined") return;
  const say = (state, text) => { live.dataset.state = state; live.textContent = text; };
  const two = (s) => {
    if (s >= 86400) return Math.floor(s / 86400) + "d " + Math.floor((s % 86400) / 3600) + "h";
    if (s >= 3600) return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
    if (s >= 60) return Math.floor(s / 60) + "m";
    return s + "s";
  };
  const countdown = (s) => s >= 86400 || s < 60 ? two(s) : two(s) + " " + (s % 60) + "s";
  const tick = () => {
    const now = Date.now() / 1000;
    for (const el of document.querySelectorAll("time[data-at]")) {
      const delta = Math.round(Number(el.dataset.at) - now);
      if (el.textContent === "just now" && delta > -60) continue;
      el.textContent = delta >= 0 ? "in " + countdown(delta) : two(-delta) + " ago";
    }
  };
  const range = new URLSearchParams(location.search).get("range") === "week" ? "?range=week" : "";
  say("connecting", "Connecting for live updates…");
  const source = new EventSource("events" + range);
  source.addEventListener("state", (event) => {
    main.innerHTML = JSON.parse(event.data).html;
    tick();
    say("live", "Live: the page updates by itself.");
  });
  source.addEventListener("open", () => say("live", "Live: the page updates by itself."));
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) {
      say("closed", "Live updates stopped (the session ended). Run cao dashboard for a new link.");
    } else {
      say("reconnecting", "Reconnecting… (is the gateway or cao dashboard still running?)");
    }
  });
  setInterval(tick, 1000);
})();
`;

/** The assets by file name. */
export const DASHBOARD_ASSETS: Record<string, { type: string; body: string }> = {
  "app.css": { type: "text/css; charset=utf-8", body: DASHBOARD_CSS },
  "app.js": { type: "text/javascript; charset=utf-8", body: DASHBOARD_JS },
};
