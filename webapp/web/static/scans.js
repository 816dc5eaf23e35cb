// Upload progress for the scan form and the preview's "Add photo"; without JavaScript
// the forms post normally.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.FormData || !window.XMLHttpRequest) return;
  document.querySelectorAll("form.upload").forEach(withProgress);
});

function withProgress(form) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var bar = form.querySelector("progress");
    var status = form.querySelector(".scan-status");
    var button = form.querySelector("button[type=submit]");
    var started = Date.now(), timer = null;
    button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    status.textContent = "Uploading…";
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.round((e.loaded / e.total) * 100);
      bar.value = pct;
      status.textContent = "Uploading… " + pct + "%";
    };
    var waiting = 0, polls = 0;
    xhr.upload.onload = function () {
      bar.removeAttribute("value"); // an indeterminate bar while the server scans
      timer = setInterval(function () {
        var s = Math.round((Date.now() - started) / 1000);
        status.textContent = waiting > 0
          ? "In the scan queue (" + waiting + " waiting to be scanned)… " + s + " s"
          : "Scanning: finding the boards and reading the tiles… " + s + " s";
        if (polls++ % 4 === 0) pollQueue(); // the scan queue's length, every 2 s
      }, 500);
    };
    function pollQueue() {
      var ask = new XMLHttpRequest();
      ask.open("GET", form.action + "/queue.json");
      ask.onload = function () {
        if (ask.status !== 200) return;
        try { waiting = JSON.parse(ask.responseText).waiting; } catch (e) { waiting = 0; }
      };
      ask.send();
    }
    xhr.onload = function () {
      clearInterval(timer);
      // A refused upload comes back to this form with the reason flashed on it (already
      // read by this request, so it is shown here rather than by loading the form again).
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var error = page.querySelector(".error-summary li, .flash-error");
      if (xhr.status < 400 && xhr.responseURL && !error) {
        status.textContent = "Done: opening the preview…";
        window.location.assign(xhr.responseURL);
        return;
      }
      status.textContent = error ? error.textContent : "The scan failed (" + xhr.status + ").";
      status.classList.add("flash", "flash-error");
      bar.hidden = true;
      button.disabled = false;
    };
    xhr.onerror = function () {
      clearInterval(timer);
      status.textContent = "The upload failed: check the connection and try again.";
      bar.hidden = true;
      button.disabled = false;
    };
    xhr.send(new FormData(form));
  });
}
