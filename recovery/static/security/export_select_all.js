// The "Select all" box of django-import-export's admin export page (our copy of its template,
// templates/admin/import_export/export.html): ticks or unticks every field to export. The
// package wires it with an inline onchange handler, which the Content-Security-Policy blocks.
document.addEventListener("change", function (event) {
  var toggle = event.target;
  if (!toggle || !toggle.matches || !toggle.matches("input.select-toggle[data-select-all]")) {
    return;
  }
  document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]').forEach(function (box) {
    box.checked = toggle.checked;
  });
});
