/* Draws every element with data-chart from the JSON in the <script> named by data-source.
   Data: {"labels": [...], "values": [...], "name": "..."}. Sets data-rendered when drawn. */
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

  function draw(el) {
    if (el.getAttribute("data-rendered") || typeof echarts === "undefined") { return; }
    var src = document.getElementById(el.getAttribute("data-source"));
    if (!src) { return; }
    var d = JSON.parse(src.textContent);
    var chart = echarts.init(el, null, {renderer: "canvas"});
    chart.on("finished", function () { el.setAttribute("data-rendered", "true"); });
    chart.setOption(el.getAttribute("data-chart") === "pie" ? pieOption(d) : barOption(d));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("[data-chart]"), draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (e) { drawAll(e.target); });
})();
