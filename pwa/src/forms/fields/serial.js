/** Meter identity in one gesture: scan the sticker (BarcodeDetector where the device has it, when the
 *  definition says `scan`) or one tap on "le compteur porte bien le n° …"; the serial is typed only
 *  when the meter on site shows another number. The validator (meter_serial) then says whether the
 *  typed number is a slip ("vérifiez la saisie") or another meter (an anomaly to declare). */
import { t } from '../../i18n.js';
import { el, frame } from './dom.js';

async function scan(file) {
  const detector = new globalThis.BarcodeDetector();
  const codes = await detector.detect(await createImageBitmap(file));
  return codes.length ? codes[0].rawValue : null;
}

const same = (a, b) => String(a || '').trim().toUpperCase() === String(b || '').trim().toUpperCase();

export function render(field, value, ctx) {
  const expected = ctx.order.meter?.serial || '';
  const status = el('div', { class: 'hint', role: 'status' });
  const input = el('input', { id: `f-${field.id}`, autocomplete: 'off', autocapitalize: 'characters',
    value: value || '', oninput: () => ctx.set(input.value.trim().toUpperCase() || null) });
  const typing = el('div', { class: 'serial-typing' }, input);
  const confirmed = el('p', { class: 'status ok', id: `f-${field.id}-confirmed` });

  function show() {
    const current = input.value.trim();
    const matches = Boolean(expected) && same(current, expected);
    confirmed.hidden = !matches;
    confirmed.textContent = matches ? t('✓ Compteur n° {serial} confirmé', { serial: expected }) : '';
    typing.hidden = Boolean(expected) && (matches || (!current && !typing.dataset.open));
    confirm.hidden = !expected || matches;
    other.hidden = !expected || !typing.hidden;
  }
  function set(serial) {
    input.value = serial;
    ctx.set(serial || null);
    show();
  }
  const confirm = el('button', { type: 'button', class: 'primary', id: `f-${field.id}-confirm`,
    text: t('Le compteur porte bien le n° {serial}', { serial: expected }), onclick: () => set(expected) });
  const other = el('button', { type: 'button', id: `f-${field.id}-other`, text: t('Il porte un autre n°'),
    onclick: () => { typing.dataset.open = '1'; set(''); input.focus(); } });
  const buttons = el('div', { class: 'actions' }, confirm);
  if (field.scan && 'BarcodeDetector' in globalThis) {
    const picker = el('input', { type: 'file', accept: 'image/*', capture: 'environment', hidden: true,
      onchange: async () => {
        const code = picker.files[0] && await scan(picker.files[0]).catch(() => null);
        status.textContent = code ? '' : t('Code non lu : touchez « Le compteur porte bien le n° … » ou saisissez le n°.');
        if (code) { typing.dataset.open = same(code, expected) ? '' : '1'; set(code.trim().toUpperCase()); }
      } });
    buttons.prepend(el('button', { type: 'button', id: `f-${field.id}-scan`, text: t('Scanner l\'étiquette'),
      onclick: () => picker.click() }), picker);
  }
  buttons.append(other);
  if (!expected) typing.dataset.open = '1';
  show();
  return frame(field, el('div', {}, buttons, confirmed, typing, status),
    expected ? t('N° attendu : {serial}', { serial: expected }) : null);
}
