/** A signature on a canvas: the strokes are the value (redrawn after rotation or reload,
 *  PITFALLS 8), a PNG of the drawing is stored as a blob and named by its SHA-256. Only points,
 *  never pressure or speed (PITFALLS 22). */
import { t } from '../../i18n.js';
import { el, frame } from './dom.js';

const WIDTH = 800;
const HEIGHT = 300;

function draw(canvas, strokes) {
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, WIDTH, HEIGHT);
  g.strokeStyle = '#000';
  g.lineWidth = 3;
  g.lineCap = 'round';
  g.lineJoin = 'round';
  for (const stroke of strokes) {
    g.beginPath();
    stroke.forEach(([x, y], i) => (i ? g.lineTo(x, y) : g.moveTo(x, y)));
    if (stroke.length === 1) g.lineTo(stroke[0][0] + 0.5, stroke[0][1] + 0.5);
    g.stroke();
  }
}

export function render(field, value, ctx) {
  const state = { sha256: null, signer_name: '', strokes: [], ...(value || {}) };
  if (!value && field.signer === 'technician') state.signer_name = ctx.services.technicianName || '';
  const canvas = el('canvas', { class: 'signature', id: `f-${field.id}`, width: WIDTH, height: HEIGHT,
    'aria-label': t('Zone de signature : {label}', { label: field.label }) });
  let current = null;

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [Math.round(((event.clientX - box.left) / box.width) * WIDTH),
      Math.round(((event.clientY - box.top) / box.height) * HEIGHT)];
  }
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    state.strokes.push(current);
    draw(canvas, state.strokes);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!current || current.length >= 400) return;
    const [x, y] = point(event);
    const [lx, ly] = current[current.length - 1];
    if (Math.abs(x - lx) + Math.abs(y - ly) < 3) return;   // keep the shape, not every event
    current.push([x, y]);
    draw(canvas, state.strokes);
  });
  const finish = () => { if (current) { current = null; save(); } };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);

  async function save() {
    const old = state.sha256;
    if (state.strokes.length) {
      draw(canvas, state.strokes);
      const png = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
      state.sha256 = (await ctx.services.addSignature(await png.arrayBuffer(), field.id)).sha256;
    } else {
      state.sha256 = null;
    }
    await ctx.set(state.strokes.length || state.signer_name ? { ...state, strokes: state.strokes.map((s) => [...s]) } : null);
    if (old && old !== state.sha256) ctx.services.forget(old);
  }

  const name = el('input', { id: `f-${field.id}-name`, placeholder: t('Nom du signataire'),
    'aria-label': t('Nom du signataire'), value: state.signer_name,
    oninput: () => { state.signer_name = name.value; save(); } });
  const clear = el('button', { type: 'button', class: 'danger', text: t('Effacer la signature'),
    onclick: () => { state.strokes = []; draw(canvas, []); save(); } });
  draw(canvas, state.strokes);
  return frame(field, el('div', {}, name, canvas, el('div', { class: 'actions' }, clear)),
    t({ technician: 'Signature de l\'agent', requester: 'Signature du demandeur', customer: 'Signature du client' }[field.signer] || '') || null);
}
