// A "select all" checkbox ticks or clears every checkbox named in its data-select-all attribute,
// and shows how many are ticked in the element named by data-count (if any).
(function () {
  "use strict";
  function boxes(master) {
    return document.querySelectorAll('input[type="checkbox"][name="' + master.dataset.selectAll + '"]');
  }
  function update(master) {
    var all = boxes(master);
    var ticked = 0;
    all.forEach(function (b) { if (b.checked) { ticked += 1; } });
    master.checked = all.length > 0 && ticked === all.length;
    master.indeterminate = ticked > 0 && ticked < all.length;
    var out = master.dataset.count && document.getElementById(master.dataset.count);
    if (out) { out.textContent = ticked + " chosen"; }
  }
  document.querySelectorAll("input[data-select-all]").forEach(function (master) {
    master.addEventListener("change", function () {
      boxes(master).forEach(function (b) { b.checked = master.checked; });
      update(master);
    });
    boxes(master).forEach(function (b) {
      b.addEventListener("change", function () { update(master); });
    });
    update(master);
  });
})();
