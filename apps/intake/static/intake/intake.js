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

  // The vendor finder as a combobox (WAI-ARIA 1.2 pattern: input + listbox, aria-activedescendant). The names
  // come from the search endpoint a few at a time; without this script the "Search the register" button posts
  // the form and the server renders the matches.
  function setUpVendorFinder(wrapper, index) {
    var input = wrapper.querySelector("input[type='text']");
    var status = wrapper.querySelector("[data-finder-status]");
    if (!input) {
      return;
    }
    var listbox = document.createElement("ul");
    listbox.id = input.id + "-listbox";
    listbox.className = "vendor-finder__listbox";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", "Vendors matching what you typed");
    listbox.hidden = true;
    input.parentNode.insertBefore(listbox, input.nextSibling);
    input.removeAttribute("list");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    var active = -1;
    var timer = null;
    var asked = "";

    function options() {
      return Array.prototype.slice.call(listbox.querySelectorAll("[role='option']"));
    }
    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(next) {
      var all = options();
      if (!all.length) {
        return;
      }
      active = (next + all.length) % all.length;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function choose(option) {
      input.value = option.textContent;
      close();
      input.focus();
    }
    function show(names, query) {
      listbox.textContent = "";
      names.forEach(function (name, i) {
        var option = document.createElement("li");
        option.id = input.id + "-option-" + index + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = name;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep focus in the input
          choose(option);
        });
        listbox.appendChild(option);
      });
      active = -1;
      listbox.hidden = !names.length;
      input.setAttribute("aria-expanded", names.length ? "true" : "false");
      if (status) {
        status.textContent = query ? (names.length ? names.length + " matching vendors" : "No vendor matches") : "";
      }
    }
    function search() {
      var query = input.value.trim();
      asked = query;
      if (!query) {
        show([], "");
        return;
      }
      fetch(wrapper.getAttribute("data-url") + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : { vendors: [] }; })
        .then(function (body) {
          if (asked === query && document.activeElement === input) {
            show(body.vendors || [], query);
          }
        })
        .catch(function () { /* offline: the Search button still works */ });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 150);
    });
    input.addEventListener("focus", function () {
      if (input.value.trim()) {
        search();
      }
    });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) {
          highlight(active + 1);
        } else {
          search();
        }
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // pick the highlighted name instead of submitting the form
        choose(options()[active]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    setUpCategoryFilter();
    setUpVendorChoice();
    document.querySelectorAll("[data-vendor-finder]").forEach(setUpVendorFinder);
  });
})();
