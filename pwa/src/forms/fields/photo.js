/** Photos: camera capture, compressed on the tablet (long side <= 1600 px, JPEG), time and
 *  position recorded by the app (PITFALLS 7); the value is the list of their SHA-256. */
import { t } from '../../i18n.js';
import { el, frame } from './dom.js';

export const LONG_SIDE = 1600;

/** File -> JPEG ArrayBuffer, long side at most LONG_SIDE, quality lowered above ~300 KB. */
export async function compress(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  let blob = null;
  for (const quality of [0.82, 0.7, 0.55]) {
    blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    if (blob.size <= 300 * 1024) break;
  }
  return blob.arrayBuffer();
}

export function render(field, value, ctx) {
  const list = [...(value || [])];
  const thumbs = el('div', { class: 'photos' });
  const status = el('div', { class: 'hint', role: 'status' });
  const input = el('input', { type: 'file', id: `f-${field.id}`, accept: 'image/*', capture: 'environment',
    multiple: true, onchange: () => add([...input.files]) });

  async function add(files) {
    status.textContent = t('Enregistrement de la photo…');
    try {
      for (const file of files) {
        const { sha256 } = await ctx.services.addPhoto(file, field.id);
        if (!list.includes(sha256)) list.push(sha256);
      }
      status.textContent = '';
      await ctx.set([...list]);
      draw();
    } catch (err) {
      status.textContent = err.message;
    }
    input.value = '';
  }

  async function remove(sha256) {
    list.splice(list.indexOf(sha256), 1);
    await ctx.set([...list]);
    ctx.services.forget(sha256);
    draw();
  }

  async function draw() {
    thumbs.replaceChildren(...await Promise.all(list.map(async (sha256) => el('figure', {},
      el('img', { src: await ctx.services.photoUrl(sha256), alt: t('Photo') }),
      el('button', { type: 'button', class: 'danger', text: t('Retirer'), onclick: () => remove(sha256) })))));
  }

  draw();
  // The app's own French button: the native input (browser-language text) is laid transparent over
  // it, so a tap still opens the camera and tests can still set its files by its id.
  const button = el('span', { class: 'btn file-btn' }, el('span', { text: t('Prendre une photo'), 'aria-hidden': 'true' }), input);
  return frame(field, el('div', {}, button, status, thumbs), field.min ? t('De {min} à {max} photos', { min: field.min, max: field.max || 10 }) : null);
}
