// Draws the dashboard's charts from the JSON the page carries (no inline script: the CSP forbids it).
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || !window.Chart) { return; }
  var palette = ["#2f6f5e", "#b54708", "#3b63c4", "#8e44ad", "#c0392b", "#16a085"];
  JSON.parse(node.textContent).forEach(function (spec) {
    var canvas = document.getElementById("chart-" + spec.id);
    if (!canvas) { return; }
    var datasets = spec.datasets.map(function (d, i) {
      var colour = palette[i % palette.length];
      return { label: d.label, data: d.data, borderColor: colour, backgroundColor: colour + (spec.type === "bar" ? "cc" : "33"),
               spanGaps: true, tension: 0.25, pointRadius: d.counts ? 3 : 0, borderWidth: 2 };
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
