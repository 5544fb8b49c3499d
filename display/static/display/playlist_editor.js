/* Playlist editor: pick content by title (search as you type), and reorder the
   entries by dragging (HTML5 drag and drop) or with the up/down buttons. Plain
   script served by the app: halls are offline intranets. */
(function () {
  "use strict";

  /* ---- pick by title ---- */
  var picker = document.getElementById("picker");
  if (picker) {
    var kind = document.getElementById("kind");
    var title = document.getElementById("ref_title");
    var ref = document.getElementById("ref_id");
    var results = document.getElementById("pick-results");
    var references = picker.dataset.references.split(",");
    var own = picker.dataset.own.split(",");
    var timer = null, asked = 0;

    var fill = function (name, value) {
      var box = document.getElementById(name);
      if (box) box.value = value || "";
    };
    var choose = function (row) {
      if (own.indexOf(kind.value) >= 0) {
        ["url", "title", "text", "caption"].forEach(function (k) { fill(k, row[k]); });
        title.value = row.title || "";
        ref.value = "";
      } else {
        title.value = row.title;
        ref.value = row.id;
      }
      results.innerHTML = "";
      title.setAttribute("aria-expanded", "false");
    };
    var show = function (rows) {
      results.innerHTML = "";
      if (!rows.length) {
        var none = document.createElement("li");
        none.className = "hint";
        none.textContent = "没有找到，请换几个字再试";
        results.append(none);
        return;
      }
      rows.forEach(function (row) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "pick";
        button.setAttribute("role", "option");
        if (row.thumb) {
          var img = document.createElement("img");
          img.className = "thumb";
          img.alt = "";
          img.src = row.thumb;
          img.addEventListener("error", function () { img.remove(); });
          button.append(img);
        }
        var label = document.createElement("span");
        label.textContent = row.title || row.url;
        button.append(label);
        if (row.note) {
          var note = document.createElement("span");
          note.className = "badge badge-archived";
          note.textContent = row.note + "，不会播放";
          button.append(note);
        }
        button.addEventListener("click", function () { choose(row); });
        li.append(button);
        results.append(li);
      });
      title.setAttribute("aria-expanded", "true");
    };
    var search = function () {
      var k = kind.value;
      if (references.indexOf(k) < 0 && own.indexOf(k) < 0) { results.innerHTML = ""; return; }
      var mine = ++asked;
      var url = picker.dataset.searchUrl + "?kind=" + encodeURIComponent(k) +
        "&q=" + encodeURIComponent(title.value.trim());
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (mine === asked) show(data.results || []); })
        .catch(function () {});
    };
    title.addEventListener("input", function () {
      ref.value = "";  // a changed title is a new search, not the old pick
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    title.addEventListener("focus", search);
    kind.addEventListener("change", function () { ref.value = ""; search(); });
  }

  /* ---- reorder by dragging ---- */
  var list = document.getElementById("entry-list");
  var orderForm = document.getElementById("order-form");
  if (list && orderForm) {
    var dragged = null;
    var changed = function () {
      var ids = Array.prototype.map.call(list.querySelectorAll("li[data-entry]"),
        function (li) { return li.dataset.entry; });
      document.getElementById("order-field").value = ids.join(",");
      orderForm.hidden = false;
    };
    list.addEventListener("dragstart", function (e) {
      dragged = e.target.closest("li[data-entry]");
      if (!dragged) return;
      dragged.classList.add("dragging");
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", dragged.dataset.entry);
    });
    list.addEventListener("dragover", function (e) {
      var over = e.target.closest("li[data-entry]");
      if (!dragged || !over || over === dragged) return;
      e.preventDefault();
      var box = over.getBoundingClientRect();
      var after = e.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("drop", function (e) { e.preventDefault(); });
    list.addEventListener("dragend", function () {
      if (!dragged) return;
      dragged.classList.remove("dragging");
      dragged = null;
      changed();
    });
    list.querySelectorAll("img.thumb").forEach(function (img) {
      img.addEventListener("error", function () { img.remove(); });
    });
  }
})();
