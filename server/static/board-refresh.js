// The chief's board follows the team live: it reloads every minute, unless the chief is busy with a
// form (a field focused or a planning panel open), so nothing being typed is lost.
const PERIOD_MS = 60_000;
setInterval(() => {
  const busy = document.querySelector("details[open]") ||
    document.activeElement?.matches("input, select, textarea");
  if (!busy) window.location.reload();
}, PERIOD_MS);
