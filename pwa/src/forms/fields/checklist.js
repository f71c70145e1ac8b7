/** Checklist: steps ticked one by one; when the definition says "ordered", a step can be ticked
 *  only after the previous one (the REMOVAL safety steps). The value is the ticked ids in order. */
import { t } from '../../i18n.js';
import { el, frame } from './dom.js';

export function render(field, value, ctx) {
  let ticked = [...(value || [])];
  const list = el('ol', { class: 'checklist', id: `f-${field.id}` });

  function draw() {
    list.replaceChildren(...(field.steps || []).map((step, i) => {
      const done = ticked.includes(step.id);
      const allowed = !field.ordered || done || (field.steps.slice(0, i).every((s) => ticked.includes(s.id)));
      const box = el('input', { type: 'checkbox', checked: done, disabled: !allowed, 'data-step': step.id,
        onchange: () => toggle(step.id, box.checked, i) });
      return el('li', {}, el('label', { class: 'choice' }, box, `${i + 1}. ${step.label}`));
    }));
  }

  function toggle(id, on, i) {
    if (on) ticked.push(id);
    else if (field.ordered) ticked = ticked.filter((t) => field.steps.slice(0, i).some((s) => s.id === t));
    else ticked = ticked.filter((t) => t !== id);
    draw();
    ctx.set(ticked.length ? [...ticked] : null);
  }

  draw();
  return frame(field, list, field.ordered ? t('Cocher les étapes dans l\'ordre.') : null);
}
