// The chief's review queue by keyboard: B judges the report clean and goes on, the arrows move
// through the queue. Keys typed in a field (the signer's name) are left alone.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.altKey || event.metaKey || event.target.closest("input, textarea, select")) return;
  const go = (id) => { const link = document.getElementById(id); if (link) { event.preventDefault(); link.click(); } };
  if (event.key === "ArrowRight") go("review-next");
  else if (event.key === "ArrowLeft") go("review-previous");
  else if (event.key === "b" || event.key === "B") {
    const form = document.getElementById("judge-form");
    if (form) { event.preventDefault(); form.requestSubmit(); }
  }
});
