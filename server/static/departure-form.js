// Departure intake: show only the parts of the form that the chosen kind of request uses.
(function () {
  const form = document.getElementById("departure-form");
  if (!form) return;
  function chosenKind() {
    const checked = form.querySelector("input[name=kind]:checked");
    return checked ? checked.value : "";
  }
  function refresh() {
    const kind = chosenKind();
    form.querySelectorAll("[data-kinds]").forEach(function (part) {
      part.hidden = !part.dataset.kinds.split(" ").includes(kind);
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") refresh();
  });
  refresh();
})();
