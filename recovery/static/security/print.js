// Prints the page from any <button data-print> (the statistics report's "Print"). A static file,
// because the Content-Security-Policy forbids inline script, javascript: URLs included.
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target && target.closest && target.closest("button[data-print]")) {
    window.print();
  }
});
