/** Meter identity: typed or scanned (BarcodeDetector where the browser has it); a serial that
 *  differs from the order's meter is shown at once: it is an anomaly, never a silent pass. */
import { el, frame } from './dom.js';

async function scan(file) {
  const detector = new globalThis.BarcodeDetector();
  const codes = await detector.detect(await createImageBitmap(file));
  return codes.length ? codes[0].rawValue : null;
}

export function render(field, value, ctx) {
  const expected = ctx.order.meter?.serial || '';
  const warning = el('div', { class: 'warn', role: 'status' });
  const input = el('input', { id: `f-${field.id}`, autocomplete: 'off', autocapitalize: 'characters',
    value: value || '', oninput: () => update(input.value.trim().toUpperCase()) });
  function update(serial) {
    ctx.set(serial || null);
    warn(serial);
  }
  function warn(serial) {
    warning.textContent = field.id === 'meter_serial' && serial && expected && serial !== expected.toUpperCase()
      ? `Ne correspond pas au compteur attendu (${expected}) : à déclarer en anomalie.` : '';
  }
  const parts = [input, warning];
  if (field.scan && 'BarcodeDetector' in globalThis) {
    const picker = el('input', { type: 'file', accept: 'image/*', capture: 'environment', hidden: true,
      onchange: async () => {
        const code = picker.files[0] && await scan(picker.files[0]).catch(() => null);
        if (code) { input.value = code; update(code.trim().toUpperCase()); }
        else warning.textContent = 'Code non lu : saisissez le numéro.';
      } });
    parts.unshift(el('div', { class: 'actions' },
      el('button', { type: 'button', text: 'Scanner le code', onclick: () => picker.click() }), picker));
  }
  warn(value);
  return frame(field, el('div', {}, parts), field.id === 'meter_serial' ? `Compteur attendu : ${expected}` : null);
}
