// Draws the dashboard's charts from the JSON the page carries (no inline script: the CSP forbids it).
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || !window.Chart) { return; }
  var palette = ["#2f6f5e", "#b54708", "#3b63c4", "#8e44ad", "#c0392b", "#16a085"];
  JSON.parse(node.textContent).forEach(function (spec) {
    var canvas = document.getElementById("chart-" + spec.id);
    if (!canvas) { return; }
    // The day (or week) not over yet is drawn lighter, its line dashed: what it has so far is not a drop.
    var partial = (spec.partial === null || spec.partial === undefined) ? -1 : spec.partial;
    var datasets = spec.datasets.map(function (d, i) {
      var colour = palette[i % palette.length];
      var fill = colour + (spec.type === "bar" ? "cc" : "33");
      var set = { label: d.label, data: d.data, borderColor: colour, backgroundColor: fill,
                  spanGaps: true, tension: 0.25, pointRadius: d.counts ? 3 : 0, borderWidth: 2 };
      if (partial >= 0) {
        if (spec.type === "bar") {
          set.backgroundColor = d.data.map(function (v, j) { return j === partial ? colour + "40" : fill; });
          set.borderColor = d.data.map(function (v, j) { return j === partial ? colour : colour + "00"; });
          set.borderWidth = d.data.map(function (v, j) { return j === partial ? 1 : 0; });
        } else {
          set.segment = { borderDash: function (ctx) { return ctx.p1DataIndex >= partial ? [4, 4] : undefined; },
                          borderColor: function (ctx) { return ctx.p1DataIndex >= partial ? colour + "80" : undefined; } };
          set.pointRadius = d.data.map(function (v, j) { return j === partial ? 3 : (d.counts ? 3 : 0); });
          set.pointBackgroundColor = d.data.map(function (v, j) { return j === partial ? "#fff" : colour; });
        }
      }
      return set;
    });
    new window.Chart(canvas, {
      type: spec.type, data: { labels: spec.labels, datasets: datasets },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
                 plugins: { legend: { display: datasets.length > 1, position: "bottom" },
                            // a weekly median or share says how many it stands on ("ratings: 2")
                            tooltip: { callbacks: { afterLabel: function (ctx) {
                              var counts = spec.datasets[ctx.datasetIndex].counts;
                              return counts ? spec.count_label + ": " + counts[ctx.dataIndex] : "";
                            } } } },
                 scales: { x: { ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true } } }
    });
  });
  document.body.setAttribute("data-charts", "drawn");
})();
