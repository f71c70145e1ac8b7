// Countersignature pad of the office: records the strokes (points only: no pressure, no speed,
// PITFALLS 22) into the hidden input named by data-target, redraws them after a resize.
for (const canvas of document.querySelectorAll("canvas.signature-pad")) {
  const input = document.getElementById(canvas.dataset.target);
  const strokes = [];
  let current = null;
  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return [Math.round((event.clientX - box.left) * (canvas.width / box.width) * 10) / 10,
            Math.round((event.clientY - box.top) * (canvas.height / box.height) * 10) / 10];
  };
  const draw = () => {
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.lineWidth = 2; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
    for (const stroke of strokes) {
      ctx.beginPath();
      stroke.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
      ctx.stroke();
    }
    input.value = strokes.length ? JSON.stringify(strokes) : "";
  };
  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    strokes.push(current);
    draw();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    current.push(point(event));
    draw();
  });
  const end = () => { current = null; };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  window.addEventListener("resize", draw);
  for (const button of document.querySelectorAll(`[data-clear="${canvas.dataset.target}"]`)) {
    button.addEventListener("click", () => { strokes.length = 0; draw(); });
  }
}
