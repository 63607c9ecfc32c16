// Images that need the token (photos, face chips) and photos with their faces outlined.
import { h } from './dom.js';
import { objectUrl } from './api.js';

// An <img> whose bytes come from an authorised API path. It shows its alt text while loading
// and a short reason if the server refuses (e.g. a query photo past its retention time).
export function apiImage(path, alt, attrs = {}) {
  const img = h('img', { alt, ...attrs, class: `api-image ${attrs.class || ''}`.trim() });
  img.dataset.state = 'loading';
  objectUrl(path).then(
    (url) => {
      img.addEventListener('load', () => { img.dataset.state = 'loaded'; }, { once: true });
      img.src = url;
    },
    (error) => {
      img.dataset.state = 'failed';
      img.title = `Could not load: ${error.message}`;
      img.alt = `${alt} (not available: ${error.message})`;
    });
  return img;
}

// A photo with one outline per face. Boxes are in the photo's pixel coordinates; they are
// placed in percentages so they follow the photo when it is scaled to fit the page.
// faces: [{box: {x, y, width, height}, label, onselect?}]; width/height: the photo's size
// when known (otherwise read from the image once it has loaded).
export function photoWithFaces(path, alt, faces, width, height) {
  const img = apiImage(path, alt, { class: 'photo' });
  const layer = h('div', { class: 'face-layer' });
  const frame = h('div', { class: 'photo-frame' }, img, layer);

  const place = (w, h_) => {
    if (!w || !h_) return;
    layer.replaceChildren();
    faces.forEach((face, i) => {
      // The contract's {x, y, width, height}; the CLI's JSON writes [x, y, w, h].
      const [x, y, bw, bh] = Array.isArray(face.box) ? face.box : [face.box.x, face.box.y, face.box.width, face.box.height];
      const style = {
        left: `${(100 * x) / w}%`, top: `${(100 * y) / h_}%`,
        width: `${(100 * bw) / w}%`, height: `${(100 * bh) / h_}%`,
      };
      const label = face.label || `Face ${i + 1}`;
      const outline = face.onselect
        ? h('button', { type: 'button', class: 'face-box', style, onclick: face.onselect, 'aria-label': `Show ${label}` },
          h('span', { class: 'face-label' }, label))
        : h('span', { class: 'face-box', style, role: 'img', 'aria-label': label },
          h('span', { class: 'face-label' }, label));
      outline.dataset.faceIndex = String(i);
      layer.append(outline);
    });
  };
  if (width && height) place(width, height);
  else img.addEventListener('load', () => place(img.naturalWidth, img.naturalHeight), { once: true });
  return frame;
}
