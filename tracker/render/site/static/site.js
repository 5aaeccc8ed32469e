// aiia-tracker site: progressive enhancement only. Every list is complete HTML without it;
// this adds filtering as you type and sorting by column to the members table.
(function () {
  "use strict";
  var fold = function (text) {
    return text.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
  };

  function filterRows(input, table, status) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var run = function () {
      var wanted = fold(input.value);
      var shown = 0;
      rows.forEach(function (row) {
        var hit = !wanted || fold(row.textContent).indexOf(wanted) !== -1;
        row.hidden = !hit;
        if (hit) { shown += 1; }
      });
      if (status) {
        status.textContent = wanted ? shown + " of " + rows.length + " shown" : "";
      }
    };
    input.addEventListener("input", run);
    run();
  }

  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    if (kind === "rank") { return Number(cell.getAttribute("data-rank")); }
    return cell.textContent.trim();
  }

  function sortable(table) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var collator = new Intl.Collator("zh-CN", { numeric: true });
    heads.forEach(function (th, index) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var kind = th.getAttribute("data-sort");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
          var order = kind === "rank" ? x - y : collator.compare(x, y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      });
    });
  }

  var table = document.getElementById("members");
  var input = document.getElementById("member-filter");
  if (table && input) { filterRows(input, table, document.getElementById("member-count")); }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), sortable);
}());
