// Submits the form of any <select data-autosubmit> when its value changes (e.g. the language
// switcher). A static file, because the Content-Security-Policy forbids inline handlers
// such as onchange="this.form.submit()".
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});
