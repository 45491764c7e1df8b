// Accessible names for the admin's autocomplete fields. select2 hides the real <select> (which the
// field's <label> names) and shows a combobox of its own that no label points at: a screen reader
// announces it without a name. Each combobox (and the search box of a multiple choice) is given the
// field's label here. A static file, because the Content-Security-Policy forbids inline script.
(function () {
  "use strict";

  // The field's label text: its <label for>, else its column's header in a tabular inline.
  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      return label;
    }
    var cell = select.closest("td");
    var table = cell && cell.closest("table");
    if (!table) {
      return null;
    }
    var fieldClass = Array.prototype.find.call(cell.classList, function (name) {
      return name.indexOf("field-") === 0;
    });
    return fieldClass ? table.querySelector("thead th.column-" + fieldClass.slice(6)) : null;
  }

  function nameCombobox(select) {
    var container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2")) {
      return;
    }
    var label = labelOf(select);
    if (!label) {
      return;
    }
    if (!label.id) {
      label.id = (select.id || "field") + "-label";
    }
    var selection = container.querySelector(".select2-selection");
    if (selection) {
      // select2 4.0 marks the chosen value's text a read-only textbox, a second control without a
      // name; it only displays the value, which the combobox's name below includes (select2 4.1
      // dropped the role too).
      var shown = selection.querySelector('.select2-selection__rendered[role="textbox"]');
      if (shown) {
        shown.removeAttribute("role");
        shown.removeAttribute("aria-readonly");
      }
      // The label first, then what is chosen (select2's own rendering) for a single choice.
      var rendered = selection.querySelector(".select2-selection__rendered[id]");
      var ids = label.id + (rendered && !select.multiple ? " " + rendered.id : "");
      if (selection.getAttribute("aria-labelledby") !== ids) {
        selection.setAttribute("aria-labelledby", ids);
      }
    }
    var search = container.querySelector(".select2-search__field");
    if (search && search.getAttribute("aria-labelledby") !== label.id) {
      search.setAttribute("aria-labelledby", label.id);
    }
  }

  // An open single choice's search box sits in a dropdown at the end of the page; it names the
  // list of results it controls, whose id holds the field's.
  function nameDropdownSearch(search) {
    var match = /^select2-(.+)-results$/.exec(search.getAttribute("aria-controls") || "");
    var select = match && document.getElementById(match[1]);
    var label = select && labelOf(select);
    if (label && label.id && search.getAttribute("aria-labelledby") !== label.id) {
      search.setAttribute("aria-labelledby", label.id);
    }
  }

  // An open combobox must name the list it controls (ARIA 1.2); select2 4.0 only sets aria-owns.
  function linkResults(selection) {
    var owns = selection.getAttribute("aria-owns");
    if (owns && selection.getAttribute("aria-controls") !== owns) {
      selection.setAttribute("aria-controls", owns);
    } else if (!owns && selection.hasAttribute("aria-controls")) {
      selection.removeAttribute("aria-controls");
    }
  }

  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(nameCombobox);
    document.querySelectorAll('.select2-selection[role="combobox"]').forEach(linkResults);
    document.querySelectorAll(".select2-search--dropdown .select2-search__field").forEach(nameDropdownSearch);
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameAll();
    // select2 builds its boxes after the page loads, again for each inline row added, and renders
    // a multiple choice's search box anew on every change: name whatever appears.
    var pending = false;
    new MutationObserver(function () {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(function () {
          pending = false;
          nameAll();
        });
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
