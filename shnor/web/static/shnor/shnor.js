// The site's only script, served as a static file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  // A form control marked data-autosubmit sends its form when changed (the coverage filter's checkbox).
  document.querySelectorAll("[data-autosubmit]").forEach(function (control) {
    control.addEventListener("change", function () { control.form.submit(); });
  });

  // An import being read: poll its progress (data-progress-url) and reload the page when reading is over.
  var box = document.querySelector("[data-progress-url]");
  if (box) {
    var url = box.getAttribute("data-progress-url");
    (function poll() {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
        document.getElementById("progress").value = d.percent;
        document.getElementById("progress-text").textContent = "Прочитано файлов: " + d.files_done + " из " + d.files_total;
        if (d.status !== "reading") { window.location.reload(); } else { setTimeout(poll, 1500); }
      }).catch(function () { setTimeout(poll, 3000); });
    })();
  }
})();
