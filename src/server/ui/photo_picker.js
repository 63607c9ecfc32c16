// A photo chooser: a drop zone that is also the label of a file input (so it works by mouse,
// by drag and drop, and by keyboard), with a preview of the chosen photo.
import { h } from './dom.js';

// id: the file input's id (the drop zone is `${id}-drop`); onchoose(file) is called when a
// photo is chosen. Returns {element, file()}.
export function photoPicker(id, { onchoose } = {}) {
  const input = h('input', { id, name: 'photo', type: 'file', accept: 'image/*', class: 'visually-hidden' });
  const preview = h('div', { class: 'preview', 'aria-live': 'polite' });
  let chosen = null;

  const choose = (file) => {
    chosen = file || null;
    preview.replaceChildren();
    if (!chosen) return;
    const url = URL.createObjectURL(chosen);
    preview.append(h('img', { src: url, alt: `Chosen photo ${chosen.name}` }),
      h('p', { class: 'file-name' }, `${chosen.name} (${Math.ceil(chosen.size / 1024).toLocaleString('en-US')} KB)`));
    if (onchoose) onchoose(chosen);
  };
  // The input is emptied once read, so choosing the same file again still fires 'change'.
  input.addEventListener('change', () => { choose(input.files[0]); input.value = ''; });

  const drop = h('label', { for: id, class: 'dropzone', id: `${id}-drop` }, input,
    h('strong', {}, 'Drop a photo here'), h('span', {}, ' or choose a file (click, or Tab here and press Space)'),
    h('span', { class: 'hint' }, 'JPEG, PNG, GIF, BMP, WebP or TIFF.'));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file) choose(file);
  });
  return { element: h('div', { class: 'photo-picker' }, drop, preview), file: () => chosen };
}
