// One identity: its name, metadata and every enrolled photo with its faces outlined.
import { h } from '../dom.js';
import { postForm, request } from '../api.js';
import { dateTime, plural } from '../format.js';
import { photoWithFaces } from '../image.js';
import { messageSlot } from '../notice.js';
import { photoPicker } from '../photo_picker.js';
import { canDeleteIdentities, canEditIdentities } from '../session.js';
import { identityForm } from './identity_form.js';
import { metadataList } from './metadata.js';

// Enrolls one more photo of this identity (its largest face), with where it came from.
function addPhotoForm(identity, rerender) {
  const slot = messageSlot();
  const picker = photoPicker('add-photo', { onchoose: () => slot.clear() });
  const source = h('input', { id: 'add-photo-source', name: 'source', placeholder: 'e.g. archive reference, URL, who gave it' });
  const button = h('button', { type: 'submit' }, 'Add photo');
  const form = h('form', { class: 'card', 'aria-label': 'Add a photo' },
    h('h2', {}, 'Add a photo'), picker.element,
    h('label', { for: 'add-photo-source' }, 'Source of this photo'), source,
    h('div', { class: 'actions' }, button), slot);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const photo = picker.file();
    if (!photo) { slot.showInfo('Choose or drop a photo first.'); return; }
    const body = new FormData();
    body.append('photo', photo, photo.name);
    if (source.value.trim()) body.append('source', source.value.trim());
    button.disabled = true;
    try {
      await postForm(`/v1/identities/${identity.id}/photos`, body);
      rerender();
    } catch (error) {
      slot.showError(error);
      button.disabled = false;
    }
  });
  return form;
}

function deleteButton(identity, navigate) {
  const slot = messageSlot();
  const button = h('button', { type: 'button', class: 'reject', id: 'delete-identity' }, 'Delete identity');
  button.addEventListener('click', async () => {
    if (!window.confirm(`Delete ${identity.name} and all their photos? Their faces leave the search index at once.`)) return;
    button.disabled = true;
    try {
      await request('DELETE', `/v1/identities/${identity.id}`);
      navigate('#/identities');
    } catch (error) {
      slot.showError(error);
      button.disabled = false;
    }
  });
  return h('div', { class: 'danger-zone' }, button, slot);
}

export async function render({ params, navigate, rerender }) {
  const identity = await request('GET', `/v1/identities/${params.id}`);
  const photos = identity.photos || [];
  return h('div', { class: 'identity-page', dataset: { identityId: identity.id } },
    h('p', { class: 'crumbs' }, h('a', { href: '#/identities' }, 'Identities'), ' / ', identity.name),
    h('h1', { tabindex: '-1' }, identity.name),
    metadataList(identity.metadata) || h('p', { class: 'muted' }, 'No metadata recorded.'),
    h('h2', {}, `Photos (${photos.length})`),
    h('div', { class: 'photo-grid', id: 'identity-photos' }, photos.map((p) => h('figure', { class: 'gallery-photo', dataset: { imageId: p.image_id } },
      photoWithFaces(`/v1/images/${p.image_id}`, `Photo ${p.image_id} of ${identity.name}`,
        (p.faces || []).map((f, i) => ({ box: f.box, label: `Face ${i + 1}` })), p.width, p.height),
      h('figcaption', {},
        h('span', {}, `Source: ${p.source || 'not recorded'}`),
        p.added_at ? h('span', { class: 'muted' }, ` · added ${dateTime(p.added_at)}`) : null,
        h('span', { class: 'muted' }, ` · ${plural((p.faces || []).length, 'face')}`))))),
    canEditIdentities() ? addPhotoForm(identity, rerender) : null,
    canEditIdentities() ? identityForm({
      idPrefix: 'edit-identity', title: 'Edit name and metadata', submitLabel: 'Save changes', identity,
      submit: async (fields) => { await request('PATCH', `/v1/identities/${identity.id}`, { json: fields }); rerender(); },
    }) : null,
    canDeleteIdentities() ? deleteButton(identity, navigate) : null);
}
