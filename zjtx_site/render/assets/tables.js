/* zjtx-site: sortable, filterable tables for the portfolio pages.
 * A table inside <div class="zjtx-sortable"> gets a filter box (every
 * space-separated term must appear in the row) and headers that sort on
 * click (numbers numerically, text in Chinese collation). No network, no
 * dependencies: the site works offline. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }

  function asNumber(text) {
    var m = text.replace(/,/g, "").match(/^-?\d+(\.\d+)?/);
    return m ? parseFloat(m[0]) : null;
  }

  function compare(a, b) {
    var x = asNumber(a), y = asNumber(b);
    if (x !== null && y !== null) return x - y;
    return a.localeCompare(b, "zh-Hans-CN");
  }

  function enhance(box) {
    var table = box.querySelector("table");
    if (!table || table.dataset.zjtxEnhanced) return;
    table.dataset.zjtxEnhanced = "1";
    var body = table.tBodies[0];
    var input = document.createElement("input");
    input.type = "search";
    input.className = "zjtx-filter md-input";
    input.placeholder = "筛选：输入关键词，如 L4 或 生物医药 或 不符合（空格分隔多个条件）";
    input.setAttribute("aria-label", "筛选表格");
    var counter = document.createElement("span");
    counter.className = "zjtx-count";
    box.insertBefore(input, box.firstChild);
    box.insertBefore(counter, input.nextSibling);

    function update() {
      var terms = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var text = row.textContent.toLowerCase();
        var ok = terms.every(function (t) { return text.indexOf(t) !== -1; });
        row.style.display = ok ? "" : "none";
        if (ok) shown += 1;
      });
      counter.textContent = " 显示 " + shown + " / " + body.rows.length + " 家";
    }
    input.addEventListener("input", update);

    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.style.cursor = "pointer";
      th.title = "点击排序";
      th.addEventListener("click", function () {
        var dir = th.dataset.sort === "asc" ? "desc" : "asc";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { delete h.dataset.sort; });
        th.dataset.sort = dir;
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var r = compare(cellValue(a, index), cellValue(b, index));
          return dir === "asc" ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
    update();
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
