// The site's only script, served as a static file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  // A form sent back with errors: the first field in error is brought into view and focused (unless the page
  // focuses something itself).
  var invalid = document.querySelector("[aria-invalid=true]");
  if (invalid && !document.querySelector("[autofocus]")) {
    invalid.scrollIntoView({block: "center"});
    invalid.focus({preventScroll: true});
  }

  // A form control marked data-autosubmit sends its form when changed (the coverage filter's checkbox).
  document.querySelectorAll("[data-autosubmit]").forEach(function (control) {
    control.addEventListener("change", function () { control.form.submit(); });
  });

  // An import being read (or a ZIP of documents being made): poll its progress (data-progress-url) and reload the
  // page when it is over. The answer may carry its own line of text and its own end (`text`, `done`).
  var box = document.querySelector("[data-progress-url]");
  if (box) {
    var url = box.getAttribute("data-progress-url");
    (function poll() {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
        document.getElementById("progress").value = d.percent;
        document.getElementById("progress-text").textContent = d.text || ("Прочитано файлов: " + d.files_done + " из " + d.files_total);
        var over = ("done" in d) ? d.done : d.status !== "reading";
        if (over) { window.location.reload(); } else { setTimeout(poll, 1500); }
      }).catch(function () { setTimeout(poll, 3000); });
    })();
  }

  // The report form (data-warn-unsaved): warn before leaving it with unsaved changes, and save the draft in the
  // background (data-autosave-url) — entries, indicators and the summary; new activities and evidence wait for
  // the «Сохранить» button, so the warning stays while they are unsaved. Without JavaScript the form works as is.
  var report = document.querySelector("form[data-warn-unsaved]");
  if (report) {
    var dirty = false, pending = false, submitting = false, waitsForButton = false;
    var status = document.getElementById("autosave-status");
    var onChange = function (event) {
      var name = (event.target && event.target.name) || "";
      dirty = true;
      if (/^new\d+-|-ev-|-delete$/.test(name) || event.target.type === "file") { waitsForButton = true; }
    };
    report.addEventListener("input", onChange);
    report.addEventListener("change", onChange);
    report.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if ((dirty || waitsForButton) && !submitting) { event.preventDefault(); event.returnValue = ""; }
    });
    var url = report.getAttribute("data-autosave-url");
    if (url) {
      setInterval(function () {
        if (!dirty || pending || submitting) { return; }
        pending = true;
        dirty = false;
        var data = new FormData(report);
        report.querySelectorAll("input[type=file]").forEach(function (f) { data.delete(f.name); });
        fetch(url, {method: "POST", body: data, credentials: "same-origin"}).then(function (r) {
          return r.json().then(function (d) { return {ok: r.ok, d: d}; });
        }).then(function (answer) {
          pending = false;
          if (answer.ok) {
            // The report's version moved on: the form and the evidence «удалить» buttons must post the new one.
            document.querySelectorAll("input[name=version]").forEach(function (v) { v.value = answer.d.version; });
            status.textContent = "Черновик сохранён в " + answer.d.saved_at + (answer.d.errors ? " (кроме полей с ошибками)" : "");
          } else {
            status.textContent = answer.d.error || "Черновик не сохранён.";
          }
        }).catch(function () { pending = false; dirty = true; status.textContent = "Нет связи: черновик не сохранён, сохраните вручную."; });
      }, 15000);
    }
  }
})();
