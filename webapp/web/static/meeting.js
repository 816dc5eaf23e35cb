// Record outcomes without leaving the agenda: post the form, show the answer in place.
// Without this script the forms post normally and the page reloads at the same item.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.classList.contains("outcome-form")) return;
  event.preventDefault();
  const message = form.querySelector(".form-message");
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const answer = await response.json();
    // A refusal is the app's one JSON error shape, {"error": ...}, with a 4xx status.
    message.textContent = response.ok ? answer.message : answer.error;
    message.classList.toggle("error", !response.ok);
    if (response.ok) {
      const item = form.closest(".agenda-item");
      item.classList.add("recorded");
      const outcome = item.querySelector("[data-outcome]");
      outcome.hidden = false;
      outcome.textContent = "Recorded: " + form.elements.note.value;
      form.elements.note.value = "";
    }
  } catch (error) {
    message.textContent = "Could not save: check the connection and try again.";
    message.classList.add("error");
  } finally {
    button.disabled = false;
  }
});
