/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  // Show server-side validation and permission errors returned to htmx requests
  // instead of silently dropping them.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if (status === 422 || status === 409) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    } else if (status === 403 || status === 404 || status === 400 || status === 429) {
      evt.detail.shouldSwap = false;
      window.alert(evt.detail.xhr.responseText.slice(0, 300));
    }
  });
})();
