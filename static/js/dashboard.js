/*
 * The dashboard page (templates/dashboards/dashboard.html): draws each section's charts.
 *
 * Each <section data-dashboard-section> names its JSON endpoint (data-endpoint, under
 * /api/v1/dashboard/) and its .xlsx export (data-xlsx). The answer is a list of charts in one
 * shape (dashboards/charts.py): category labels and series of numbers, or a table. For each
 * chart this script builds a card with
 * - the title and a caption saying what it counts (<figure>/<figcaption>),
 * - the chart on a <canvas> (Chart.js from static/vendor, no CDN), described by an aria-label,
 * - the same figures as a table, shown or hidden by a button (aria-expanded),
 * - a PNG of the canvas (toDataURL) and the .xlsx of the figures (made by the server).
 * Numbers are written the Vietnamese way (1.234,5). A bar that stands for a unit below leads to
 * that unit's dashboard (the table's unit names are links too, for the keyboard).
 * No inline script and no HTML built from data: texts go in with textContent.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-dashboard]");
  if (!root || !window.Chart) {
    return;
  }
  var Chart = window.Chart;
  var LOCALE = "vi-VN";
  var formatters = {};
  var strings = {};
  var template = document.getElementById("dashboard-strings");
  if (template) {
    Array.prototype.forEach.call(template.content.querySelectorAll("[data-key]"), function (item) {
      strings[item.getAttribute("data-key")] = item.textContent.trim();
    });
  }
  function t(key) {
    return strings[key] || key;
  }

  function format(value, decimals) {
    if (value === null || value === undefined || value === "") {
      return "";
    }
    if (typeof value !== "number") {
      return String(value);
    }
    var key = String(decimals || 0);
    if (!formatters[key]) {
      formatters[key] = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: decimals || 0 });
    }
    return formatters[key].format(value);
  }

  function withUnit(text, unit) {
    if (!text || !unit) {
      return text;
    }
    return unit === "%" ? text + " %" : text + " " + unit;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function shorten(label, size) {
    label = String(label);
    return label.length > size ? label.slice(0, size - 1) + "…" : label;
  }

  Chart.defaults.locale = LOCALE;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

  // A white background, so the PNG reads on any viewer (a canvas is transparent by default).
  var whiteBackground = {
    id: "whiteBackground",
    beforeDraw: function (chart) {
      var ctx = chart.ctx;
      ctx.save();
      ctx.globalCompositeOperation = "destination-over";
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    }
  };

  // The heat strip's scale: no section on quota (red), half (amber), all (green); the share is
  // also in the tooltip and the table, so the colour is never the only carrier.
  var HEAT_STOPS = [[0, [241, 174, 181]], [50, [255, 218, 106]], [100, [25, 135, 84]]];
  var NOT_JUDGED = "#e9ecef";

  function shareColour(share) {
    var value = Math.max(0, Math.min(100, share));
    for (var i = 1; i < HEAT_STOPS.length; i++) {
      var from = HEAT_STOPS[i - 1];
      var to = HEAT_STOPS[i];
      if (value <= to[0]) {
        var ratio = (value - from[0]) / (to[0] - from[0]);
        var rgb = from[1].map(function (start, k) {
          return Math.round(start + (to[1][k] - start) * ratio);
        });
        return "rgb(" + rgb.join(",") + ")";
      }
    }
    return "rgb(" + HEAT_STOPS[HEAT_STOPS.length - 1][1].join(",") + ")";
  }

  function heatLegend() {
    var legend = element("div", "heat-legend small text-muted d-flex flex-wrap align-items-center gap-2 mt-1");
    legend.setAttribute("aria-hidden", "true");
    [0, 50, 100].forEach(function (share) {
      var item = element("span", "d-inline-flex align-items-center gap-1");
      var swatch = element("span", "heat-swatch");
      swatch.style.backgroundColor = shareColour(share);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(format(share, 0) + " %"));
      legend.appendChild(item);
    });
    var none = element("span", "d-inline-flex align-items-center gap-1");
    var swatch = element("span", "heat-swatch");
    swatch.style.backgroundColor = NOT_JUDGED;
    none.appendChild(swatch);
    none.appendChild(document.createTextNode(t("not_counted")));
    legend.appendChild(none);
    return legend;
  }

  function drawnSeries(chart) {
    return chart.series.filter(function (s) {
      return !s.table_only;
    });
  }

  function hasFigures(chart) {
    return chart.series.some(function (s) {
      return s.data.some(function (v) {
        return v !== null && v !== 0;
      });
    });
  }

  function chartConfig(chart) {
    var series = drawnSeries(chart);
    var horizontal = !!chart.horizontal;
    var indexAxis = horizontal ? "y" : "x";
    var valueAxis = horizontal ? "x" : "y";
    var stacked = chart.kind === "stacked_bar";
    var heat = chart.kind === "heat";
    var percentOnly = series.length && series.every(function (s) {
      return s.unit === "%";
    });
    var datasets = series.map(function (s) {
      var dataset = {
        label: s.label,
        data: s.data,
        backgroundColor: s.colour,
        borderColor: s.colour,
        unit: s.unit,
        decimals: s.decimals
      };
      if (chart.kind === "line" || s.type === "line") {
        dataset.type = "line";
        dataset.tension = 0;  // straight segments: a smoothed count would dip below zero or overshoot
        dataset.pointRadius = 3;
        dataset.borderWidth = 2;
        dataset.backgroundColor = s.colour;
        dataset.fill = false;
        dataset.order = 0;
      } else {
        dataset.type = "bar";
        dataset.order = 1;
        dataset.maxBarThickness = 42;
      }
      if (chart.kind === "bar_line") {
        dataset.yAxisID = s.axis === "y1" ? "y1" : "y";
      }
      if (heat) {
        // Every week the same height; the colour carries the share, grey for weeks not judged.
        dataset.data = s.data.map(function () {
          return 1;
        });
        dataset.shares = s.data;
        dataset.backgroundColor = s.data.map(function (v) {
          return v === null ? NOT_JUDGED : shareColour(v);
        });
        dataset.borderColor = "#ffffff";
        dataset.borderWidth = 1;
        dataset.barPercentage = 1;
        dataset.categoryPercentage = 1;
        dataset.maxBarThickness = undefined;
      }
      return dataset;
    });

    var scales = {};
    scales[indexAxis] = {
      stacked: stacked,
      offset: chart.kind !== "heat",  // the first and last months off the edges (a line's points too)
      grid: { display: !heat && horizontal },
      ticks: {
        autoSkip: true,
        maxRotation: horizontal ? 0 : 50,
        callback: function (value) {
          // Names of units and partners are long: what fits in a third of the chart's width
          // (the whole name is in the tooltip and the table).
          var size = horizontal ? Math.max(12, Math.min(40, Math.floor(this.chart.width / 3 / 6.5))) : 16;
          return shorten(this.getLabelForValue(value), size);
        }
      }
    };
    var left = series.filter(function (s) {
      return s.axis !== "y1";
    });
    scales[valueAxis] = {
      stacked: stacked,
      beginAtZero: true,
      ticks: { precision: Math.max.apply(null, [0].concat(left.map(function (s) { return s.decimals; }))) },
      title: { display: !heat && !!(left[0] && left[0].unit), text: left[0] ? left[0].unit : "" }
    };
    if (percentOnly && !heat) {
      scales[valueAxis].suggestedMax = 100;
    }
    if (heat) {
      scales[valueAxis] = { display: false, min: 0, max: 1 };
      scales[indexAxis].ticks.maxTicksLimit = 13;
      scales[indexAxis].ticks.callback = function (value) {
        var label = this.getLabelForValue(value);
        var match = /\d+/.exec(label);
        return match ? match[0] : label;
      };
    }
    if (chart.kind === "bar_line") {
      var right = series.filter(function (s) {
        return s.axis === "y1";
      })[0];
      scales.y1 = {
        position: "right",
        beginAtZero: true,
        grid: { drawOnChartArea: false },
        ticks: { precision: right ? right.decimals : 0 },
        title: { display: !!right, text: right ? right.unit : "" }
      };
    }

    var links = chart.links || [];
    var clickable = links.some(function (link) {
      return !!link;
    });
    return {
      type: chart.kind === "line" ? "line" : "bar",
      data: { labels: chart.labels, datasets: datasets },
      plugins: [whiteBackground],
      options: {
        responsive: true,
        indexAxis: indexAxis,
        // No animation: figures are read, not watched; a PNG or a printout never catches a
        // chart halfway, and nothing moves for people who prefer reduced motion.
        animation: false,
        interaction: { mode: "index", axis: indexAxis, intersect: false },
        scales: scales,
        plugins: {
          legend: {
            display: !heat && datasets.length > 1,
            position: "bottom",
            // In the order of the series (a line is drawn over the bars, which changes its `order`).
            labels: { boxWidth: 12, sort: function (a, b) { return a.datasetIndex - b.datasetIndex; } }
          },
          tooltip: {
            callbacks: {
              label: function (item) {
                var dataset = item.dataset;
                var value = heat ? dataset.shares[item.dataIndex] : item.raw;
                var shown = value === null || value === undefined ? t("not_counted") : withUnit(format(value, dataset.decimals), dataset.unit);
                return dataset.label + ": " + shown;
              }
            }
          }
        },
        onHover: function (event, active) {
          event.native.target.style.cursor = clickable && active.length && links[active[0].index] ? "pointer" : "default";
        },
        onClick: function (event, active) {
          if (!clickable || !active.length) {
            return;
          }
          var link = links[active[0].index];
          if (link) {
            window.location.assign(link);
          }
        }
      }
    };
  }

  function chartHeight(chart) {
    if (chart.kind === "heat") {
      return 90;
    }
    if (chart.horizontal) {
      return Math.max(160, 80 + 30 * chart.labels.length);
    }
    return chart.wide ? 220 : 280;
  }

  function seriesTable(chart) {
    var table = element("table", "table table-sm table-striped align-middle mb-0 dashboard-table");
    var caption = element("caption", "visually-hidden", t("figures_of") + ": " + chart.title);
    table.appendChild(caption);
    var head = table.createTHead().insertRow();
    var first = element("th", null, chart.category_label);
    first.scope = "col";
    head.appendChild(first);
    chart.series.forEach(function (s) {
      var th = element("th", "text-end", s.unit ? s.label + " (" + s.unit + ")" : s.label);
      th.scope = "col";
      head.appendChild(th);
    });
    var body = table.createTBody();
    chart.labels.forEach(function (label, i) {
      var row = body.insertRow();
      var cell = element("th");
      cell.scope = "row";
      var link = chart.links && chart.links[i];
      if (link) {
        var a = element("a", null, label);
        a.href = link;
        cell.appendChild(a);
      } else {
        cell.textContent = label;
      }
      row.appendChild(cell);
      chart.series.forEach(function (s) {
        row.appendChild(element("td", "num", format(s.data[i], s.decimals)));
      });
    });
    return table;
  }

  function listTable(chart) {
    var table = element("table", "table table-sm table-striped align-middle mb-0 dashboard-table");
    table.appendChild(element("caption", "visually-hidden", chart.title));
    var head = table.createTHead().insertRow();
    chart.columns.forEach(function (column) {
      var th = element("th", column.unit ? "text-end" : null, column.unit ? column.label + " (" + column.unit + ")" : column.label);
      th.scope = "col";
      head.appendChild(th);
    });
    var body = table.createTBody();
    chart.rows.forEach(function (values, i) {
      var row = body.insertRow();
      values.forEach(function (value, j) {
        var column = chart.columns[j];
        var cell = element("td", typeof value === "number" ? "num" : null);
        var link = j === 0 && chart.row_links && chart.row_links[i];
        if (link) {
          var a = element("a", null, value);
          a.href = link;
          cell.appendChild(a);
        } else {
          cell.textContent = format(value, column.decimals);
        }
        row.appendChild(cell);
      });
    });
    return table;
  }

  function fileName(chart, extension) {
    return ["bang-dieu-khien", chart.key, root.getAttribute("data-unit-code"), root.getAttribute("data-year")]
      .join("-").replace(/[^\w.-]+/g, "-") + "." + extension;
  }

  function card(chart, section) {
    var column = element("div", chart.wide ? "col-12" : "col-12 col-xl-6");
    var figure = element("figure", "card h-100 mb-0 dashboard-chart");
    figure.id = "chart-" + chart.key;
    figure.setAttribute("data-chart", chart.key);
    column.appendChild(figure);
    var caption = element("figcaption", "card-header bg-body");
    caption.appendChild(element("h3", "h6 mb-1", chart.title));
    caption.appendChild(element("p", "small text-muted mb-0", chart.caption));
    figure.appendChild(caption);
    var body = element("div", "card-body");
    figure.appendChild(body);

    if (chart.restricted) {
      body.appendChild(element("p", "text-muted small mb-0", chart.note));
      return { column: column };
    }
    if (chart.note) {
      body.appendChild(element("p", "small text-muted", chart.note));
    }
    var tableBox = element("div", "table-responsive dashboard-table-box");
    tableBox.id = "table-" + chart.key;
    var actions = element("div", "d-flex flex-wrap gap-2 mt-2 no-print dashboard-actions");
    var canvas = null;

    if (chart.kind === "table") {
      if (chart.rows.length) {
        tableBox.appendChild(listTable(chart));
      } else {
        tableBox.appendChild(element("p", "text-muted small mb-0", chart.empty_text || t("no_data")));
      }
      body.appendChild(tableBox);
    } else {
      if (!hasFigures(chart)) {
        body.appendChild(element("p", "small text-muted mb-1", chart.empty_text || t("no_data")));
      }
      var box = element("div", "chart-box");
      box.style.height = chartHeight(chart) + "px";
      canvas = element("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", chart.title + ". " + chart.caption);
      box.appendChild(canvas);
      body.appendChild(box);
      if (chart.kind === "heat") {
        body.appendChild(heatLegend());
      }
      if ((chart.links || []).some(function (link) { return !!link; })) {
        body.appendChild(element("p", "small text-muted mt-1 mb-0", t("drill")));
      }
      tableBox.hidden = true;
      tableBox.appendChild(seriesTable(chart));
      var toggle = element("button", "btn btn-sm btn-outline-secondary", t("show_table"));
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", "false");
      toggle.setAttribute("aria-controls", tableBox.id);
      toggle.addEventListener("click", function () {
        var open = tableBox.hidden;
        tableBox.hidden = !open;
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        toggle.textContent = open ? t("hide_table") : t("show_table");
      });
      actions.appendChild(toggle);
      var png = element("button", "btn btn-sm btn-outline-secondary", t("png"));
      png.type = "button";
      png.addEventListener("click", function () {
        var link = element("a");
        link.href = canvas.toDataURL("image/png");
        link.download = fileName(chart, "png");
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
      actions.appendChild(png);
    }
    var xlsx = element("a", "btn btn-sm btn-outline-secondary", t("xlsx"));
    xlsx.href = section.getAttribute("data-xlsx") + "&chart=" + encodeURIComponent(chart.key);
    xlsx.setAttribute("download", fileName(chart, "xlsx"));
    actions.appendChild(xlsx);
    body.appendChild(actions);
    if (chart.kind !== "table") {
      body.appendChild(tableBox);
    }
    return { column: column, canvas: canvas };
  }

  function asOf(payload) {
    var when = new Date(payload.computed_at);
    if (isNaN(when.getTime())) {
      return "";
    }
    return t("as_of") + " " + when.toLocaleString(LOCALE, {
      hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric"
    });
  }

  function render(section, payload) {
    var container = section.querySelector("[data-charts]");
    container.textContent = "";
    var stamp = section.querySelector("[data-as-of]");
    if (stamp) {
      stamp.textContent = asOf(payload);
    }
    payload.charts.forEach(function (chart) {
      var built = card(chart, section);
      container.appendChild(built.column);
      if (built.canvas) {
        // The canvas is in the page (with its size) before Chart.js measures it.
        new Chart(built.canvas, chartConfig(chart));
        built.canvas.setAttribute("data-drawn", "1");  // drawn at once (no animation): what the browser test waits for
      }
    });
    section.setAttribute("data-loaded", "1");
  }

  function failed(section) {
    var container = section.querySelector("[data-charts]");
    container.textContent = "";
    container.appendChild(element("div", "col-12 alert alert-warning mb-0", t("load_error")));
    section.setAttribute("data-loaded", "error");
  }

  Array.prototype.forEach.call(root.querySelectorAll("[data-dashboard-section]"), function (section) {
    fetch(section.getAttribute("data-endpoint"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (payload) {
        render(section, payload);
      })
      .catch(function () {
        failed(section);
      });
  });
})();
