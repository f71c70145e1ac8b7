/** Meter identity: typed or scanned (BarcodeDetector where the browser has it, when the definition
 *  says `scan`). A serial that differs from the order's meter is reported at once by the validator
 *  (meter_serial): an anomaly to declare, never a silent pass. */
import { t } from '../../i18n.js';
import { el, frame } from './dom.js';

async function scan(file) {
  const detector = new globalThis.BarcodeDetector();
  const codes = await detector.detect(await createImageBitmap(file));
  return codes.length ? codes[0].rawValue : null;
}

export function render(field, value, ctx) {
  const expected = ctx.order.meter?.serial || '';
  const status = el('div', { class: 'warn', role: 'status' });
  const input = el('input', { id: `f-${field.id}`, autocomplete: 'off', autocapitalize: 'characters',
    value: value || '', oninput: () => ctx.set(input.value.trim().toUpperCase() || null) });
  const parts = [input, status];
  if (field.scan && 'BarcodeDetector' in globalThis) {
    const picker = el('input', { type: 'file', accept: 'image/*', capture: 'environment', hidden: true,
      onchange: async () => {
        const code = picker.files[0] && await scan(picker.files[0]).catch(() => null);
        status.textContent = code ? '' : t('Code non lu : saisissez le numéro.');
        if (code) { input.value = code.trim().toUpperCase(); ctx.set(input.value); }
      } });
    parts.unshift(el('div', { class: 'actions' },
      el('button', { type: 'button', text: t('Scanner le code'), onclick: () => picker.click() }), picker));
  }
  return frame(field, el('div', {}, parts), field.id === 'meter_serial' ? t('Compteur attendu : {serial}', { serial: expected }) : null);
}
