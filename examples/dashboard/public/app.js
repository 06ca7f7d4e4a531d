// The page is plain script: every figure comes from the server's view (src/core/state.ts), so the
// page only draws. Text content only (never innerHTML): alert reasons are data from the stream.

const COLORS = { blue: "#0072b2", orange: "#e69f00" };
/** Past this, the headline is flagged stale: the live job publishes a revision every few seconds. */
const STALE_SECONDS = 120;

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
};
const int = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
const dec = new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = new Intl.NumberFormat("en", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });

function money(byCurrency) {
  const entries = Object.entries(byCurrency).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return "0";
  return entries.map(([currency, amount]) => `${dec.format(amount)} ${currency}`).join(" · ");
}

function bars(list, items) {
  const max = Math.max(1, ...items.map((i) => i.value));
  list.replaceChildren(
    ...items.map((i) => {
      const bar = el("span", { className: "bar" });
      bar.style.width = `${(100 * i.value) / max}%`;
      return el(
        "li",
        {},
        el("span", { className: "label", title: i.label }, i.label),
        el("span", {}, bar),
        el("span", { className: "value" }, int.format(i.value)),
      );
    }),
  );
}

let chart;
function drawChart(series) {
  const xs = series.map((p) => Date.parse(p.minute) / 1000);
  const data = [xs, series.map((p) => p.eventsPerSecond), series.map((p) => p.activeSessions)];
  if (!chart) {
    const target = $("chart");
    chart = new uPlot(
      {
        width: Math.max(300, target.clientWidth),
        height: 220,
        // The headline and the minute keys are UTC: the chart must not switch to the laptop's zone.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
        series: [
          {},
          { label: "events/s", stroke: COLORS.blue, width: 2, scale: "eps" },
          { label: "active sessions", stroke: COLORS.orange, width: 2, dash: [6, 3], scale: "sessions" },
        ],
        axes: [
          {},
          { scale: "eps", label: "events/s" },
          { scale: "sessions", side: 1, label: "sessions", grid: { show: false } },
        ],
      },
      data,
      target,
    );
    window.addEventListener("resize", () => chart.setSize({ width: Math.max(300, target.clientWidth), height: 220 }));
  } else {
    chart.setData(data);
  }
}

let lastView;
function render(view) {
  lastView = view;
  const c = view.current;
  $("minute").textContent = c ? new Date(c.minute).toISOString().slice(11, 16) + " UTC" : "—";
  $("revision").textContent = c ? String(c.revision) : "—";
  $("events-per-second").textContent = c ? dec.format(c.eventsPerSecond) : "—";
  $("active-sessions").textContent = c ? int.format(c.activeSessions) : "—";
  $("orders").textContent = c ? int.format(c.orders) : "—";
  $("revenue").textContent = c ? money(c.revenue) : "—";
  $("bot-share").textContent = c ? pct.format(c.botShare) : "—";
  bars(
    $("funnel"),
    c
      ? [
          { label: "Viewed a product", value: c.funnel.productViewed },
          { label: "Added to cart", value: c.funnel.addedToCart },
          { label: "Started checkout", value: c.funnel.checkoutStarted },
          { label: "Ordered", value: c.funnel.ordered },
        ]
      : [],
  );
  const w = view.window;
  $("window-minutes").textContent = String(w.minutes);
  $("window-events").textContent = int.format(w.events);
  $("window-orders").textContent = int.format(w.orders);
  $("window-revenue").textContent = money(w.revenue);
  $("window-bot-share").textContent = pct.format(w.botShare);
  bars(
    $("top-viewed"),
    w.topProductsViewed.map((p) => ({ label: p.productId, value: p.count })),
  );
  bars(
    $("top-bought"),
    w.topProductsBought.map((p) => ({ label: p.productId, value: p.count })),
  );
  $("alerts").replaceChildren(
    ...view.alerts.map((a) =>
      el(
        "li",
        { title: `alert ${a.alertId}` },
        el("span", { className: "score" }, `${a.score.toFixed(1)}`),
        ` ${a.eventName}${a.orderId ? ` · order ${a.orderId}` : ""}${a.amount != null ? ` · ${dec.format(a.amount)} ${a.currency ?? ""}` : ""} · ${new Date(a.alertTs).toISOString().slice(11, 19)} UTC`,
        el("ul", {}, ...a.reasons.map((r) => el("li", { title: r.code }, r.text))),
      ),
    ),
  );
  drawChart(view.series);
  freshness();
}

/** Freshness is judged in the browser too: a silent stream must not look live. */
function freshness() {
  const status = $("status");
  const c = lastView?.current;
  if (status.dataset.state === "offline") return;
  if (!c) {
    status.dataset.state = "live";
    status.textContent = "connected · waiting for the first minute";
    return;
  }
  const age = Math.max(0, (Date.now() - Date.parse(c.computedAt)) / 1000);
  $("lag").textContent = `${Math.round(age)} s ago`;
  status.dataset.state = age > STALE_SECONDS ? "stale" : "live";
  status.textContent = age > STALE_SECONDS ? `stale: no revision for ${Math.round(age)} s` : "live";
}
setInterval(freshness, 1000);

function connect() {
  const source = new EventSource("/events");
  const onView = (e) => render(JSON.parse(e.data));
  source.addEventListener("snapshot", onView);
  source.addEventListener("view", onView);
  source.addEventListener("open", () => {
    $("status").dataset.state = "live";
    freshness();
  });
  source.addEventListener("error", () => {
    $("status").dataset.state = "offline";
    $("status").textContent = "reconnecting…";
  });
}
connect();

// The historical tab.
function showTab(which) {
  for (const name of ["live", "history"]) {
    $(`tab-${name}`).setAttribute("aria-selected", String(name === which));
    $(`panel-${name}`).hidden = name !== which;
  }
  if (which === "history") loadHistory();
}
$("tab-live").addEventListener("click", () => showTab("live"));
$("tab-history").addEventListener("click", () => showTab("history"));

function change(today, yesterday) {
  if (yesterday === 0) return today === 0 ? "—" : "new";
  const d = (today - yesterday) / yesterday;
  return `${d >= 0 ? "▲" : "▼"} ${pct.format(Math.abs(d))}`;
}

async function loadHistory() {
  const status = $("history-status");
  status.textContent = "asking the query layer…";
  try {
    const res = await fetch("/history");
    const body = await res.json();
    if (!res.ok) throw new Error(body.error ?? res.statusText);
    const { today: t, yesterday: y } = body;
    $("h-today").textContent = `Today (${t.day})`;
    $("h-yesterday").textContent = `Yesterday (${y.day})`;
    const currencies = [...new Set([...Object.keys(t.revenue), ...Object.keys(y.revenue)])].sort();
    const rows = [
      ["Sessions", y.sessions, t.sessions],
      ["Viewed a product", y.funnel.productViewed, t.funnel.productViewed],
      ["Added to cart", y.funnel.addedToCart, t.funnel.addedToCart],
      ["Started checkout", y.funnel.checkoutStarted, t.funnel.checkoutStarted],
      ["Ordered", y.funnel.ordered, t.funnel.ordered],
      ["Orders", y.orders, t.orders],
      ...currencies.map((cur) => [`Net revenue ${cur}`, y.revenue[cur] ?? 0, t.revenue[cur] ?? 0, true]),
    ];
    $("history-table").tBodies[0].replaceChildren(
      ...rows.map(([label, yv, tv, isMoney]) =>
        el(
          "tr",
          {},
          el("th", { scope: "row" }, label),
          el("td", {}, isMoney ? dec.format(yv) : int.format(yv)),
          el("td", {}, isMoney ? dec.format(tv) : int.format(tv)),
          el("td", {}, change(tv, yv)),
        ),
      ),
    );
    status.textContent = `from the lake, as of ${new Date().toISOString().slice(11, 19)} UTC (the lake lags the live figures by the sink's flush interval)`;
  } catch (error) {
    status.textContent = `history unavailable: ${error.message}`;
  }
}
