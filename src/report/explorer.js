// nightshift report: draws the run's time series into #explorer-svg from #explorer-data,
// with a hover read-out and drag-to-zoom (double-click zooms out). No library, nothing fetched.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var d = JSON.parse(document.getElementById("explorer-data").textContent);
  var fig = document.getElementById("explorer");
  var svg = document.getElementById("explorer-svg");
  var out = document.getElementById("explorer-readout");
  var W = 1000, H = 360, L = 64, R = 60, T = 14, B = 40;
  var pw = W - L - R, ph = H - T - B, n = d.t.length;
  if (n < 2) { out.textContent = "Too few control ticks to draw."; return; }
  var lo = d.t[0], hi = d.t[n - 1];
  var pmax = 0, i;
  for (i = 0; i < n; i++) {
    pmax = Math.max(pmax, d.power[i], d.base ? d.base[i] : 0);
  }
  var pTicks = niceTicks(pmax > 0 ? pmax * 1.08 : 1, 5);
  var pTop = pTicks[pTicks.length - 1];
  var oTicks = niceTicks(Math.max(d.hosts, 1), 5);
  var oTop = oTicks[oTicks.length - 1];
  var DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

  function niceTicks(max, count) {
    var raw = max / count, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * mag; })
      .find(function (s) { return s >= raw; });
    var ticks = [];
    for (var v = 0; v < max + step * 0.999; v += step) { ticks.push(+v.toPrecision(12)); }
    return ticks;
  }
  function when(h) {
    var day = Math.floor(h / 24 + 1e-9), m = Math.round((h - day * 24) * 60);
    if (m === 1440) { day += 1; m = 0; }
    var name = day < 7 ? DAYS[day] : "day " + (day + 1);
    return name + " " + String(Math.floor(m / 60)).padStart(2, "0") + ":" +
      String(m % 60).padStart(2, "0");
  }
  function grouped(v, dec) {
    var s = v.toFixed(dec), parts = s.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
    return parts.join(".");
  }
  function x(t) { return L + (t - lo) / (hi - lo) * pw; }
  function yp(v) { return T + ph - v / pTop * ph; }
  function yo(v) { return T + ph - v / oTop * ph; }
  function el(name, attrs, parent, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    if (text !== undefined) { e.textContent = text; }
    parent.appendChild(e);
    return e;
  }
  function timeTicks() {
    var span = hi - lo, steps = [0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168];
    var step = steps.find(function (s) { return span / s <= 8; }) || 168 * Math.ceil(span / 8 / 168);
    var ticks = [];
    for (var t = Math.ceil(lo / step - 1e-9) * step; t <= hi + 1e-9; t += step) { ticks.push(t); }
    return ticks;
  }
  function first() {
    var a = 0, b = n - 1;
    while (a < b) { var m = (a + b) >> 1; if (d.t[m] < lo) { a = m + 1; } else { b = m; } }
    return Math.max(a - 1, 0);
  }
  function line(values, y, cls, step) {
    var pts = [], a = first();
    for (var k = a; k < n; k++) {
      var px = x(d.t[k]);
      if (step && pts.length) { pts.push(px.toFixed(1) + "," + pts[pts.length - 1].split(",")[1]); }
      pts.push(px.toFixed(1) + "," + y(values[k]).toFixed(1));
      if (d.t[k] > hi) { break; }
    }
    return el("polyline", { points: pts.join(" "), "class": cls, "clip-path": "url(#explorer-clip)" }, svg);
  }
  var cursor, dots, band, drag = null;
  function draw() {
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var defs = el("defs", {}, svg), clip = el("clipPath", { id: "explorer-clip" }, defs);
    el("rect", { x: L, y: T, width: pw, height: ph }, clip);
    pTicks.forEach(function (v) {
      el("line", { x1: L, x2: L + pw, y1: yp(v), y2: yp(v), "class": "grid" }, svg);
      el("text", { x: L - 8, y: yp(v) + 4, "class": "tick", "text-anchor": "end" }, svg, grouped(v, v < 10 ? 1 : 0));
    });
    oTicks.forEach(function (v) {
      el("text", { x: L + pw + 8, y: yo(v) + 4, "class": "tick on" }, svg, grouped(v, 0));
    });
    timeTicks().forEach(function (t) {
      el("line", { x1: x(t), x2: x(t), y1: T + ph, y2: T + ph + 5, "class": "axis" }, svg);
      el("text", { x: x(t), y: T + ph + 20, "class": "tick", "text-anchor": "middle" }, svg, when(t));
    });
    el("text", { x: 14, y: T + ph / 2, "class": "label", transform: "rotate(-90 14 " + (T + ph / 2) + ")", "text-anchor": "middle" }, svg, "IT power (kW)");
    el("text", { x: W - 8, y: T + ph / 2, "class": "label on", transform: "rotate(90 " + (W - 8) + " " + (T + ph / 2) + ")", "text-anchor": "middle" }, svg, "hosts on");
    el("rect", { x: L, y: T, width: pw, height: ph, "class": "frame" }, svg);
    if (d.base) { line(d.base, yp, "base"); }
    line(d.on, yo, "on", true);
    line(d.power, yp, "power");
    cursor = el("line", { x1: -10, x2: -10, y1: T, y2: T + ph, "class": "cursor" }, svg);
    dots = [el("circle", { r: 4, cx: -10, cy: -10, "class": "dot power" }, svg),
      el("circle", { r: 4, cx: -10, cy: -10, "class": "dot on" }, svg)];
    band = el("rect", { x: 0, y: T, width: 0, height: ph, "class": "band" }, svg);
    var hit = el("rect", { x: L, y: T, width: pw, height: ph, "class": "hit" }, svg);
    hit.addEventListener("mousemove", hover);
    hit.addEventListener("mousedown", function (e) { drag = svgX(e); });
    hit.addEventListener("mouseup", zoom);
    hit.addEventListener("dblclick", reset);
    fig.setAttribute("data-range", lo.toFixed(4) + "-" + hi.toFixed(4));
  }
  function svgX(e) {
    var box = svg.getBoundingClientRect();
    return (e.clientX - box.left) / box.width * W;
  }
  function nearest(t) {
    var a = 0, b = n - 1;
    while (b - a > 1) { var m = (a + b) >> 1; if (d.t[m] <= t) { a = m; } else { b = m; } }
    return t - d.t[a] <= d.t[b] - t ? a : b;
  }
  function hover(e) {
    var px = Math.min(Math.max(svgX(e), L), L + pw), k = nearest(lo + (px - L) / pw * (hi - lo));
    cursor.setAttribute("x1", x(d.t[k]));
    cursor.setAttribute("x2", x(d.t[k]));
    dots[0].setAttribute("cx", x(d.t[k])); dots[0].setAttribute("cy", yp(d.power[k]));
    dots[1].setAttribute("cx", x(d.t[k])); dots[1].setAttribute("cy", yo(d.on[k]));
    if (drag !== null) {
      band.setAttribute("x", Math.min(drag, px));
      band.setAttribute("width", Math.abs(px - drag));
    }
    out.textContent = when(d.t[k]) + ": IT power " + grouped(d.power[k], 1) + " kW" +
      (d.base ? " (always-on " + grouped(d.base[k], 1) + " kW)" : "") +
      ", " + grouped(d.on[k], 0) + " hosts on, CPU demand " + grouped(d.demand[k], 0) + " thousand MIPS";
  }
  function zoom(e) {
    var px = Math.min(Math.max(svgX(e), L), L + pw);
    if (drag !== null && Math.abs(px - drag) > 4) {
      var a = lo + (Math.min(px, drag) - L) / pw * (hi - lo);
      var b = lo + (Math.max(px, drag) - L) / pw * (hi - lo);
      lo = a; hi = b;
      drag = null;
      draw();
      return;
    }
    drag = null;
    band.setAttribute("width", 0);
  }
  function reset() { lo = d.t[0]; hi = d.t[n - 1]; draw(); }
  draw();
})();
