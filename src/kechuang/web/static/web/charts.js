/* Draws every element with data-chart from the JSON in the <script> named by data-source;
   sets data-rendered when drawn. The pages load this file and hold no chart script of their own.
   data-chart="bar" or "pie": {"labels": [...], "values": [...], "name": "..."}.
   data-chart="bars" (bars side by side, one series per key of data-series, with the legend's
   names in the same order, colours from data-colors if given):
     {"labels": [...], "names": ["...", "..."], "<key>": [...], "<key>": [...]}. */
(function () {
  "use strict";
  var palette = ["#0b4a8b", "#c0392b", "#2e86c1", "#e67e22", "#27ae60", "#8e44ad", "#16a085",
                 "#d4ac0d", "#7f8c8d", "#2c3e50", "#a93226", "#5dade2"];

  function barOption(d) {
    return {
      color: palette,
      grid: {left: 48, right: 16, top: 24, bottom: 72},
      tooltip: {trigger: "axis"},
      xAxis: {type: "category", data: d.labels, axisLabel: {interval: 0, rotate: 40}},
      yAxis: {type: "value", minInterval: 1},
      series: [{type: "bar", name: d.name, data: d.values, barMaxWidth: 36,
                label: {show: d.values.length <= 20, position: "top", fontSize: 11,
                        formatter: function (p) { return p.value.toLocaleString(); }}}]
    };
  }

  function pieOption(d) {
    var data = d.labels.map(function (l, i) { return {name: l, value: d.values[i]}; });
    return {
      color: palette,
      tooltip: {trigger: "item", formatter: "{b}<br>{c} ({d}%)"},
      legend: {type: "scroll", orient: "vertical", right: 0, top: 10, bottom: 10,
               textStyle: {width: 130, overflow: "truncate"}},
      series: [{type: "pie", name: d.name, radius: ["38%", "68%"], center: ["36%", "50%"],
                data: data, label: {show: false}, avoidLabelOverlap: true}]
    };
  }

  function words(el, name) {
    return (el.getAttribute(name) || "").split(/\s+/).filter(Boolean);
  }

  // This year against last, passing against failing: a legend, and labels slanted only
  // where there are many (the cities).
  function groupedOption(d, keys, colors) {
    return {
      color: colors.length ? colors : palette,
      tooltip: {trigger: "axis"},
      legend: {data: d.names},
      grid: {left: 64, right: 16, top: 36, bottom: 48},
      xAxis: {type: "category", data: d.labels,
              axisLabel: {interval: 0, rotate: d.labels.length > 8 ? 30 : 0}},
      yAxis: {type: "value"},
      series: keys.map(function (k, i) { return {type: "bar", name: d.names[i], data: d[k]}; })
    };
  }

  function option(el, d) {
    var kind = el.getAttribute("data-chart");
    if (kind === "pie") { return pieOption(d); }
    if (kind === "bars") {
      return groupedOption(d, words(el, "data-series"), words(el, "data-colors"));
    }
    return barOption(d);
  }

  function draw(el) {
    if (el.getAttribute("data-rendered") || typeof echarts === "undefined") { return; }
    var src = document.getElementById(el.getAttribute("data-source"));
    if (!src) { return; }
    var d = JSON.parse(src.textContent);
    var chart = echarts.init(el, null, {renderer: "canvas"});
    chart.on("finished", function () { el.setAttribute("data-rendered", "true"); });
    chart.setOption(option(el, d));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("[data-chart]"), draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (e) { drawAll(e.target); });
})();
