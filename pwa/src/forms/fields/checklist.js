/** Checklist: steps ticked one by one; when the definition says "ordered", a step can be ticked
 *  only after the previous one (the REMOVAL safety steps). The value is the ticked ids in order. */
import { t } from '../../i18n.js';
import { el, frame } from './dom.js';

export function render(field, value, ctx) {
  let ticked = [...(value || [])];
  const list = el('ol', { class: 'checklist', id: `f-${field.id}` });

  const progress = el('p', { class: 'status', role: 'status', id: `f-${field.id}-progress` });

  /** An ordered checklist shows the steps ticked so far (the last one can be unticked) and only the
   *  next one to do, with where the technician stands; an unordered one shows every step. */
  function draw() {
    const steps = field.steps || [];
    const next = ticked.length;
    list.replaceChildren(...steps.map((step, i) => {
      if (field.ordered && i > next) return null;
      const done = ticked.includes(step.id);
      const allowed = !field.ordered || (done ? i === next - 1 : i === next);
      const box = el('input', { type: 'checkbox', checked: done, disabled: !allowed, 'data-step': step.id,
        onchange: () => toggle(step.id, box.checked, i) });
      return el('li', { class: field.ordered && i === next ? 'current-step' : null },
        el('label', { class: 'choice' }, box, `${i + 1}. ${step.label}`));
    }).filter(Boolean));
    progress.textContent = !field.ordered ? '' : (next < steps.length
      ? t('Étape {n} sur {total} : {label}', { n: next + 1, total: steps.length, label: steps[next].label })
      : t('Les {total} étapes sont faites.', { total: steps.length }));
  }

  function toggle(id, on, i) {
    if (on) ticked.push(id);
    else if (field.ordered) ticked = ticked.filter((t) => field.steps.slice(0, i).some((s) => s.id === t));
    else ticked = ticked.filter((t) => t !== id);
    draw();
    ctx.set(ticked.length ? [...ticked] : null);
  }

  draw();
  return frame(field, el('div', {}, progress, list), field.ordered ? t('Une étape à la fois, dans l\'ordre du mode opératoire : cochez-la une fois faite.') : null);
}
