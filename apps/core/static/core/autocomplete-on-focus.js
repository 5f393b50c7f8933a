// The admin's autocompletes (select2, from `autocomplete_fields`) list their first options as soon as they get
// focus, by keyboard or pointer, instead of waiting for a click or typing (issue 24). select2 asks the
// autocomplete view with an empty term, which answers the first page of the model admin's ordering.
"use strict";

(function () {
  const $ = window.django && window.django.jQuery;
  if (!$) return;
  const REOPEN_GUARD_MS = 300; // select2 hands focus back to the control when it closes: do not reopen then

  $(document).on("select2:close", "select.admin-autocomplete", function () {
    $(this).data("closedAt", Date.now());
  });

  $(document).on("focus", ".select2-selection--single, .select2-selection--multiple .select2-search__field", function () {
    const select = $(this).closest(".select2-container").prev("select.admin-autocomplete");
    if (!select.length || !select.data("select2")) return;
    if (Date.now() - (select.data("closedAt") || 0) < REOPEN_GUARD_MS) return;
    if (!select.data("select2").isOpen()) select.select2("open");
  });
})();
