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

/** A drawing pad: a canvas and its strokes (points only), redrawn from them; `onEnd()` runs after
 *  each stroke. Shared by the signature field and the chief's countersignature on the tablet. */
export function signaturePad({ id, label, strokes = [], onEnd = () => {} }) {
  const canvas = el('canvas', { class: 'signature', id, width: WIDTH, height: HEIGHT, role: 'img', 'aria-label': label });
  const pad = {
    canvas,
    strokes,
    clear() { pad.strokes = []; draw(canvas, []); },
    /** The drawing as PNG bytes. */
    async png() {
      draw(canvas, pad.strokes);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
      return blob.arrayBuffer();
    },
    copy() { return pad.strokes.map((s) => [...s]); },
  };
  let current = null;

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [Math.round(((event.clientX - box.left) / box.width) * WIDTH),
      Math.round(((event.clientY - box.top) / box.height) * HEIGHT)];
  }
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    pad.strokes.push(current);
    draw(canvas, pad.strokes);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!current || current.length >= 400) return;
    const [x, y] = point(event);
    const [lx, ly] = current[current.length - 1];
    if (Math.abs(x - lx) + Math.abs(y - ly) < 3) return;   // keep the shape, not every event
    current.push([x, y]);
    draw(canvas, pad.strokes);
  });
  const finish = () => { if (current) { current = null; onEnd(); } };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);
  draw(canvas, pad.strokes);
  return pad;
}

export function render(field, value, ctx) {
  const state = { sha256: null, signer_name: '', strokes: [], ...(value || {}) };
  if (!value && field.signer === 'technician') state.signer_name = ctx.services.technicianName || '';
  const pad = signaturePad({ id: `f-${field.id}`, label: t('Zone de signature : {label}', { label: field.label }),
    strokes: state.strokes, onEnd: () => save() });

  async function save() {
    const old = state.sha256;
    state.strokes = pad.strokes;
    if (state.strokes.length) {
      state.sha256 = (await ctx.services.addSignature(await pad.png(), field.id)).sha256;
    } else {
      state.sha256 = null;
    }
    await ctx.set(state.strokes.length || state.signer_name ? { ...state, strokes: pad.copy() } : null);
    if (old && old !== state.sha256) ctx.services.forget(old);
  }

  const name = el('input', { id: `f-${field.id}-name`, class: 'signer-name', placeholder: t('Nom du signataire'),
    'aria-label': t('Nom du signataire'), value: state.signer_name,
    oninput: () => { state.signer_name = name.value; save(); } });
  const clear = el('button', { type: 'button', class: 'danger', text: t('Effacer la signature'),
    onclick: () => { pad.clear(); save(); } });
  const handle = frame(field, el('div', {}, name, pad.canvas, el('div', { class: 'actions' }, clear)),
    t({ technician: 'Signature de l\'agent', requester: 'Signature du demandeur', customer: 'Signature du client' }[field.signer] || '') || null);
  const setErrors = handle.setErrors;
  return { ...handle,
    /** The part in error is marked: the empty pad, or the name box when only the name is missing. */
    setErrors(messages) {
      setErrors(messages);
      const wrong = Boolean(messages && messages.length);
      pad.canvas.classList.toggle('empty', wrong && !pad.strokes.length);
      name.setAttribute('aria-invalid', String(wrong && !name.value.trim()));
    } };
}
