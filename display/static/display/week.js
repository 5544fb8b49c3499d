/* The week view's screen list opens the chosen screen's week. */
(function () {
  "use strict";
  var select = document.getElementById("screen");
  if (select) select.addEventListener("change", function () { location.href = select.value; });
})();
