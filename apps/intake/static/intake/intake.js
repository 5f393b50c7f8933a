// Progressive enhancement for the intake form. Everything works without it: the server renders every state.
(function () {
  "use strict";

  // Move focus to the error summary so keyboard and screen-reader users start from the list of problems.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-autofocus]");
    if (summary && !window.location.hash) {
      summary.focus();
    }
  }

  // Filter-as-you-type over the data categories: hides the ones whose name and description do not match.
  function setUpCategoryFilter() {
    var wrapper = document.querySelector("[data-category-filter]");
    if (!wrapper) {
      return;
    }
    var input = wrapper.querySelector("input");
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-category-item]"));
    var groups = Array.prototype.slice.call(document.querySelectorAll("[data-category-group]"));
    wrapper.hidden = false;
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      items.forEach(function (item) {
        var text = item.getAttribute("data-search") + " " + item.textContent.toLowerCase();
        var checked = item.querySelector("input").checked;
        // A ticked box stays visible, so a choice never disappears from view.
        item.hidden = !checked && !words.every(function (word) { return text.indexOf(word) !== -1; });
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("[data-category-item]:not([hidden])");
      });
    });
  }

  // Show only the vendor sub-form that matches the "already in the register / new" choice.
  function setUpVendorChoice() {
    var radios = document.querySelectorAll("input[name='vendor_choice']");
    var panels = document.querySelectorAll("[data-vendor-choice]");
    if (!radios.length || !panels.length) {
      return;
    }
    function update() {
      var chosen = document.querySelector("input[name='vendor_choice']:checked");
      panels.forEach(function (panel) {
        panel.hidden = chosen !== null && panel.getAttribute("data-vendor-choice") !== chosen.value;
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    setUpCategoryFilter();
    setUpVendorChoice();
  });
})();
