// The import page follows its background job: it asks for the progress twice a second, moves the bar,
// and reloads once the job is over to show the result.
const section = document.getElementById("import-progress");
const bar = document.getElementById("import-bar");
const percent = document.getElementById("import-percent");

async function poll() {
  try {
    const response = await fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (response.ok) {
      const state = await response.json();
      const value = Math.round(state.fraction * 100);
      bar.value = value;
      percent.textContent = `${value} %`;
      if (state.status !== "running") {
        window.location.reload();
        return;
      }
    }
  } catch (error) {
    // a network blip: try again at the next round
  }
  setTimeout(poll, 500);
}
if (section) setTimeout(poll, 300);
