// aiia-tracker site: progressive enhancement only. Every list is complete HTML without it;
// this adds filtering as you type (members and former members) and sorting by column to
// the members table, back to page order by its last column.
(function () {
  "use strict";
  var fold = function (text) {
    return text.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
  };

  // Filters the rows of every table given; `status` says how many of each are shown.
  function filterRows(input, tables, status) {
    var groups = tables.map(function (table) {
      return { called: table.getAttribute("data-called"),
               rows: Array.prototype.slice.call(table.tBodies[0].rows) };
    });
    var run = function () {
      var wanted = fold(input.value);
      var said = groups.map(function (group) {
        var shown = 0;
        group.rows.forEach(function (row) {
          var hit = !wanted || fold(row.textContent).indexOf(wanted) !== -1;
          row.hidden = !hit;
          if (hit) { shown += 1; }
        });
        return shown + " of " + group.rows.length + " " + group.called;
      });
      if (status) { status.textContent = wanted ? said.join(", ") + " shown" : ""; }
    };
    input.addEventListener("input", run);
    run();
  }

  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    if (kind === "rank") { return Number(cell.getAttribute("data-rank")); }
    if (kind === "number") { return Number(cell.textContent); }
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
          var order = kind === "text" ? collator.compare(x, y) : x - y;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      });
    });
  }

  var input = document.getElementById("member-filter");
  var tables = ["members", "former"].map(function (id) { return document.getElementById(id); })
    .filter(Boolean);
  if (input && tables.length) {
    // Shown only now: without this script the box would filter nothing.
    input.closest(".filter").hidden = false;
    filterRows(input, tables, document.getElementById("member-count"));
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), sortable);
}());
