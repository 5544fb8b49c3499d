// Console behaviour: row editors (add from a <template>, remove) and confirmations.
// Without script the form still works: one empty row is always rendered.
// Rows are numbered fields (materials-0-name, materials-1-name …, WTForms'
// FieldList): an added row takes the next number, a removed one leaves a gap.
document.addEventListener("click", function (event) {
  var add = event.target.closest("[data-add-row]");
  if (add) {
    var name = add.getAttribute("data-add-row");
    var template = document.querySelector('template[data-row-template="' + name + '"]');
    var table = document.querySelector('table[data-rows="' + name + '"]');
    var body = table && table.querySelector("tbody");
    if (template && body) {
      var index = Number(table.getAttribute("data-next-index")) || 0;
      table.setAttribute("data-next-index", String(index + 1));
      var fresh = template.content.cloneNode(true);
      fresh.querySelectorAll("[name], [id], [for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace("__index__", String(index)));
        });
      });
      body.appendChild(fresh);
      var rows = body.querySelectorAll("tr.row");
      var first = rows[rows.length - 1].querySelector("input, textarea, select");
      if (first) first.focus();
    }
    return;
  }
  var remove = event.target.closest("[data-remove-row]");
  if (remove) {
    var row = remove.closest("tr.row");
    if (row) row.remove();
  }
});
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var message = button && button.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
// "全选" on bulk lists: <input data-check-all="x"> ticks every <input data-check="x">.
document.addEventListener("change", function (event) {
  var all = event.target.closest("[data-check-all]");
  if (!all) return;
  var name = all.getAttribute("data-check-all");
  document.querySelectorAll('input[data-check="' + name + '"]').forEach(function (box) {
    box.checked = all.checked;
  });
});
// Import progress: poll the job and move the bar; reload once its state changes.
(function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var text = box.querySelector(".progress-text");
  var state = box.getAttribute("data-state");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (p) {
        if (!p) { setTimeout(poll, 2000); return; }
        if (p.state !== state) { window.location.reload(); return; }
        bar.value = p.percent;
        text.textContent = p.label + "：" + p.done + " / " + p.total + "（" + p.percent + "%）";
        setTimeout(poll, 500);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 300);
})();
