/* zjtx-site: sortable, filterable, paged tables for the portfolio pages.
 * A table inside <div class="zjtx-sortable"> gets a filter box (every
 * space-separated term must appear in the row) and headers that sort on
 * click (numbers numerically, text in Chinese collation). A large table is
 * paged: the page holds its first rows, and the box names a script with every
 * row (data-rows, data-rows-key), loaded the first time staff page, sort or
 * filter; those then work on all rows, data-page-size at a time. The first
 * column (the company) stays in view while the table scrolls sideways (CSS).
 * No network, no dependencies: the site works offline. */
(function () {
  "use strict";

  function asNumber(text) {
    var m = text.replace(/,/g, "").match(/^-?\d+(\.\d+)?/);
    return m ? parseFloat(m[0]) : null;
  }

  function compare(a, b) {
    var x = asNumber(a), y = asNumber(b);
    if (x !== null && y !== null) return x - y;
    return a.localeCompare(b, "zh-Hans-CN");
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function enhance(box) {
    var table = box.querySelector("table");
    if (!table || table.dataset.zjtxEnhanced) return;
    table.dataset.zjtxEnhanced = "1";
    var body = table.tBodies[0];
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var input = element("input", "zjtx-filter md-input");
    input.type = "search";
    input.placeholder = "筛选：输入关键词，如 L4 或 生物医药 或 不符合（空格分隔多个条件）";
    input.setAttribute("aria-label", "筛选表格");
    var counter = element("span", "zjtx-count");
    box.insertBefore(input, box.firstChild);
    box.insertBefore(counter, input.nextSibling);
    var source = box.dataset.rows ? rowsFromScript(box, body) : rowsFromTable(body);
    var pageSize = parseInt(box.dataset.pageSize, 10) || 0;
    var state = { terms: [], column: -1, dir: "asc", page: 0 };
    var pager = pageSize ? makePager(box, function (delta) { state.page += delta; show(); }) : null;

    function show() {
      source.ready(function (rows) {
        var shown = rows.filter(function (row) {
          return state.terms.every(function (t) { return row.text.indexOf(t) !== -1; });
        });
        if (state.column >= 0) {
          shown.sort(function (a, b) {
            var r = compare(a.cells[state.column], b.cells[state.column]);
            return (state.dir === "asc" ? r : -r) || a.order - b.order;
          });
        }
        var pages = pageSize ? Math.max(1, Math.ceil(shown.length / pageSize)) : 1;
        state.page = Math.min(Math.max(state.page, 0), pages - 1);
        var visible = pageSize ? shown.slice(state.page * pageSize, (state.page + 1) * pageSize) : shown;
        source.draw(visible, rows);
        counter.textContent = " 显示 " + shown.length + " / " + rows.length + " 家"
          + (pageSize ? "（第 " + (state.page + 1) + " / " + pages + " 页）" : "");
        if (pager) pager.update(state.page, pages);
      });
    }

    input.addEventListener("input", function () {
      state.terms = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      state.page = 0;
      show();
    });
    headers.forEach(function (th, index) {
      th.style.cursor = "pointer";
      th.title = "点击排序";
      th.addEventListener("click", function () {
        state.dir = state.column === index && state.dir === "asc" ? "desc" : "asc";
        state.column = index;
        headers.forEach(function (h) { delete h.dataset.sort; });
        th.dataset.sort = state.dir;
        state.page = 0;
        show();
      });
    });
    if (pageSize) {
      // before the rows are loaded, the counter speaks of the whole table
      var total = parseInt(box.dataset.total, 10);
      counter.textContent = " 显示 " + total + " / " + total + " 家（第 1 / "
        + Math.ceil(total / pageSize) + " 页）";
      pager.update(0, Math.ceil(total / pageSize));
    } else {
      show();
    }
  }

  /* Rows already in the page: shown and hidden, reordered in place. */
  function rowsFromTable(body) {
    var rows = Array.prototype.map.call(body.rows, function (tr, i) {
      return { tr: tr, order: i, text: tr.textContent.toLowerCase(),
               cells: Array.prototype.map.call(tr.cells, function (td) { return td.textContent.trim(); }) };
    });
    return {
      ready: function (then) { then(rows); },
      draw: function (visible) {
        var on = new Set(visible);
        rows.forEach(function (r) { r.tr.style.display = on.has(r) ? "" : "none"; });
        visible.forEach(function (r) { body.appendChild(r.tr); });
      }
    };
  }

  /* Every row in a script beside the page, loaded once; a page of them drawn at a time. */
  function rowsFromScript(box, body) {
    var align = Array.prototype.map.call(body.rows[0] ? body.rows[0].cells : [], function (td) {
      return td.getAttribute("style") || "";
    });
    var rows = null, waiting = [];
    var scratch = document.createElement("div");
    function plain(html) { scratch.innerHTML = html; return scratch.textContent.trim(); }
    function load() {
      var script = document.createElement("script");
      script.src = box.dataset.rows;
      script.onload = function () {
        var pack = window.zjtxRows[box.dataset.rowsKey];   /* recurring cells by number */
        rows = pack.rows.map(function (packed, i) {
          var cells = packed.map(function (c) { return typeof c === "number" ? pack.words[c] : c; });
          var texts = cells.map(plain);
          return { html: cells, cells: texts, order: i, text: texts.join(" ").toLowerCase() };
        });
        waiting.splice(0).forEach(function (then) { then(rows); });
      };
      document.head.appendChild(script);
    }
    return {
      ready: function (then) {
        if (rows) return then(rows);
        if (!waiting.length) load();
        waiting.push(then);
      },
      draw: function (visible) {
        body.innerHTML = visible.map(function (r) {
          return "<tr>" + r.html.map(function (c, i) {
            return align[i] ? '<td style="' + align[i] + '">' + c + "</td>" : "<td>" + c + "</td>";
          }).join("") + "</tr>";
        }).join("");
      }
    };
  }

  function makePager(box, move) {
    var nav = element("div", "zjtx-pager");
    var prev = element("button", "md-button", "上一页");
    var label = element("span", "zjtx-page");
    var next = element("button", "md-button", "下一页");
    prev.type = next.type = "button";
    prev.addEventListener("click", function () { move(-1); });
    next.addEventListener("click", function () { move(1); });
    nav.appendChild(prev);
    nav.appendChild(label);
    nav.appendChild(next);
    box.appendChild(nav);
    return {
      update: function (page, pages) {
        label.textContent = " 第 " + (page + 1) + " / " + pages + " 页 ";
        prev.disabled = page <= 0;
        next.disabled = page >= pages - 1;
      }
    };
  }

  function run() {
    Array.prototype.forEach.call(document.querySelectorAll(".zjtx-sortable"), enhance);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);   // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
