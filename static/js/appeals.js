/* After-call form: Ctrl+Enter registers from any field, Ctrl+Shift+Enter registers and
   opens a new form. The form works without this file. */
(function () {
  "use strict";
  var form = document.getElementById("appeal-form");
  if (!form) { return; }
  form.addEventListener("keydown", function (evt) {
    if (evt.key !== "Enter" || !(evt.ctrlKey || evt.metaKey)) { return; }
    evt.preventDefault();
    var value = evt.shiftKey ? "another" : "card";
    var button = form.querySelector('button[name="next"][value="' + value + '"]');
    if (button) { form.requestSubmit(button); }
  });
})();
