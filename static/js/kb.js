/* Knowledge Base search: ↑/↓ move through the results, Enter opens the highlighted one.
   Focus stays in the search box (the combobox pattern), so the operator keeps typing.
   Without this file the results are plain links and the form a plain GET form. */
(function () {
  "use strict";
  var active = -1;

  function box() { return document.getElementById("kb-q"); }
  function hits() { return Array.prototype.slice.call(document.querySelectorAll("[data-kb-hit]")); }

  function select(index) {
    var list = hits();
    var input = box();
    list.forEach(function (el) {
      el.classList.remove("kb-active");
      el.setAttribute("aria-selected", "false");
    });
    if (!list.length || index < 0) {
      active = -1;
      if (input) { input.removeAttribute("aria-activedescendant"); }
      return;
    }
    active = Math.min(index, list.length - 1);
    var el = list[active];
    el.classList.add("kb-active");
    el.setAttribute("aria-selected", "true");
    if (input) { input.setAttribute("aria-activedescendant", el.id); }
    if (el.scrollIntoView) { el.scrollIntoView({ block: "nearest" }); }
  }

  document.addEventListener("keydown", function (evt) {
    var input = box();
    if (!input || evt.target !== input || evt.altKey || evt.ctrlKey || evt.metaKey) { return; }
    if (evt.key === "ArrowDown") {
      evt.preventDefault();
      select(active + 1);
    } else if (evt.key === "ArrowUp") {
      evt.preventDefault();
      select(active - 1);
    } else if (evt.key === "Enter" && active >= 0) {
      var link = hits()[active] && hits()[active].querySelector("a.kb-title");
      if (link) {
        evt.preventDefault();
        window.location.assign(link.href);
      }
    } else if (evt.key === "Escape") {
      select(-1);
    }
  });

  // New results arrived (htmx swapped #kb-results): nothing is highlighted any more.
  document.addEventListener("htmx:afterSwap", function (evt) {
    if (evt.detail && evt.detail.target && evt.detail.target.id === "kb-results") { select(-1); }
  });
  // Typing again after moving through the list starts over from the box.
  document.addEventListener("input", function (evt) {
    if (evt.target === box()) { select(-1); }
  });
})();
