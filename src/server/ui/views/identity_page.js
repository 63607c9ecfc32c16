// One identity: its name, metadata and every enrolled photo with its faces outlined.
import { h } from '../dom.js';
import { get } from '../api.js';
import { dateTime, plural } from '../format.js';
import { photoWithFaces } from '../image.js';
import { metadataList } from './metadata.js';

export async function render({ params }) {
  const identity = await get(`/v1/identities/${params.id}`);
  const photos = identity.photos || [];
  return h('div', { class: 'identity-page', dataset: { identityId: identity.id } },
    h('p', { class: 'crumbs' }, h('a', { href: '#/identities' }, 'Identities'), ' / ', identity.name),
    h('h1', { tabindex: '-1' }, identity.name),
    metadataList(identity.metadata) || h('p', { class: 'muted' }, 'No metadata recorded.'),
    h('h2', {}, `Photos (${photos.length})`),
    h('div', { class: 'photo-grid', id: 'identity-photos' }, photos.map((p) => h('figure', { class: 'gallery-photo', dataset: { imageId: p.image_id } },
      photoWithFaces(`/v1/images/${p.image_id}`, `Photo ${p.image_id} of ${identity.name}`,
        (p.faces || []).map((f, i) => ({ box: f.box, label: `Face ${i + 1}` }))),
      h('figcaption', {},
        h('span', {}, `Source: ${p.source || 'not recorded'}`),
        p.added_at ? h('span', { class: 'muted' }, ` · added ${dateTime(p.added_at)}`) : null,
        h('span', { class: 'muted' }, ` · ${plural((p.faces || []).length, 'face')}`))))));
}
