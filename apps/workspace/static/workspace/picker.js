// Pickers that list their options on focus, before anything is typed (issue 24).
//
// Each <select data-picker> gets a "Find" combobox above it (the ARIA 1.2 combobox pattern): focusing it lists
// every option, typing narrows the list, Enter or a click chooses. The select itself stays visible and is what
// the form submits, so the control works the same without JavaScript (and a choice made in either is shown in
// both). First-party and loaded from 'self': no inline script, nothing from another origin.
"use strict";

(function () {
  let counter = 0;

  function labelOf(select) {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    return label ? label.textContent.trim() : "an option";
  }

  function enhance(select) {
    counter += 1;
    const id = `picker-${counter}`;
    const wrapper = document.createElement("div");
    wrapper.className = "picker";
    const label = document.createElement("label");
    label.htmlFor = `${id}-input`;
    label.id = `${id}-label`;
    label.className = "picker__label";
    label.textContent = `Find in “${labelOf(select)}”`;
    const input = document.createElement("input");
    input.type = "text";
    input.id = `${id}-input`;
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", `${id}-list`);
    const list = document.createElement("ul");
    list.id = `${id}-list`;
    list.className = "picker__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-labelledby", label.id);
    if (select.multiple) list.setAttribute("aria-multiselectable", "true");
    list.hidden = true;
    const status = document.createElement("p");
    status.className = "picker__status";
    status.setAttribute("aria-live", "polite");
    wrapper.append(label, input, list, status);
    select.before(wrapper);

    let active = -1;
    const choices = () => Array.from(select.options).filter((option) => option.value !== "");

    function chosenSummary() {
      const chosen = choices().filter((option) => option.selected);
      status.textContent = chosen.length
        ? `Chosen: ${chosen.map((option) => option.textContent.trim()).join(", ")}`
        : "";
    }

    function render() {
      const typed = input.value.trim().toLowerCase();
      list.replaceChildren();
      choices()
        .filter((option) => !typed || option.textContent.toLowerCase().includes(typed))
        .forEach((option, index) => {
          const item = document.createElement("li");
          item.id = `${id}-option-${index}`;
          item.setAttribute("role", "option");
          item.setAttribute("aria-selected", option.selected ? "true" : "false");
          item.textContent = option.textContent.trim();
          item.dataset.value = option.value;
          item.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the input
          item.addEventListener("click", () => choose(item));
          list.append(item);
        });
      if (!list.children.length) {
        const empty = document.createElement("li");
        empty.className = "picker__empty";
        empty.textContent = "No match";
        list.append(empty);
      }
      active = -1;
      input.removeAttribute("aria-activedescendant");
    }

    function open() {
      render();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(item) {
      const option = choices().find((candidate) => candidate.value === item.dataset.value);
      if (!option) return;
      if (select.multiple) {
        option.selected = !option.selected;
        item.setAttribute("aria-selected", option.selected ? "true" : "false");
      } else {
        select.value = option.value;
        input.value = option.textContent.trim();
        close();
      }
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function move(step) {
      const items = Array.from(list.querySelectorAll("[role=option]"));
      if (!items.length) return;
      active = (active + step + items.length) % items.length;
      items.forEach((item, index) => item.classList.toggle("picker__option--active", index === active));
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    input.addEventListener("focus", open);
    input.addEventListener("input", open);
    input.addEventListener("blur", close);
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) open();
        move(event.key === "ArrowDown" ? 1 : -1);
        event.preventDefault();
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        choose(list.querySelectorAll("[role=option]")[active]);
        event.preventDefault(); // choosing is not submitting
      } else if (event.key === "Escape" && !list.hidden) {
        close();
        event.preventDefault();
      }
    });
    select.addEventListener("change", chosenSummary);
    chosenSummary();
  }

  function start() {
    document.querySelectorAll("select[data-picker]").forEach(enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
