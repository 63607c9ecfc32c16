// The gallery's identities, searchable by name, a page at a time.
import { h } from '../dom.js';
import { get, post } from '../api.js';
import { canEditIdentities } from '../session.js';
import { identityForm } from './identity_form.js';

const PAGE = 25;

export async function render({ query, navigate }) {
  const q = query.q || '';
  const offset = Math.max(0, Number(query.offset) || 0);
  const { identities, total } = await get('/v1/identities', { q, offset, limit: PAGE });
  const box = h('input', { id: 'identity-q', name: 'q', type: 'search', value: q });
  const form = h('form', { class: 'inline-form', role: 'search' },
    h('label', { for: 'identity-q' }, 'Name contains'), box, h('button', { type: 'submit' }, 'Find'));
  form.addEventListener('submit', (e) => { e.preventDefault(); navigate(`#/identities?q=${encodeURIComponent(box.value.trim())}`); });
  const page = (o) => `#/identities?q=${encodeURIComponent(q)}&offset=${o}`;
  return h('div', {},
    h('h1', { tabindex: '-1' }, 'Identities'),
    h('p', { class: 'lede' }, `${total.toLocaleString('en-US')} identities in the gallery.`),
    form,
    identities.length
      ? h('table', { class: 'list', id: 'identity-list' },
        h('thead', {}, h('tr', {}, ['Name', 'Photos', 'Faces'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, identities.map((i) => h('tr', {},
          h('td', {}, h('a', { href: `#/identities/${i.id}` }, i.name)),
          h('td', { class: 'num' }, String(i.photos ?? '')),
          h('td', { class: 'num' }, String(i.faces ?? ''))))))
      : h('p', { class: 'muted' }, 'No identity matches.'),
    h('nav', { class: 'pager', 'aria-label': 'Pages' },
      offset > 0 ? h('a', { href: page(Math.max(0, offset - PAGE)) }, '← Previous') : null,
      total > offset + PAGE ? h('a', { href: page(offset + PAGE) }, 'Next →') : null,
      total ? h('span', { class: 'muted' }, ` ${offset + 1}–${Math.min(total, offset + PAGE)} of ${total}`) : null),
    canEditIdentities() ? identityForm({
      idPrefix: 'new-identity', title: 'New identity', submitLabel: 'Create identity',
      submit: async (fields) => { const created = await post('/v1/identities', fields); navigate(`#/identities/${created.id}`); },
    }) : null);
}
