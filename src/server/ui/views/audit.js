// The audit log (auditors only): who searched, when, for which case and why, with the photo's
// hash and the result ids. Read-only; the hash chain is checked with `facetrace audit verify`.
import { h } from '../dom.js';
import { get } from '../api.js';
import { dateTime } from '../format.js';

const PAGE = 50;

export async function render({ query }) {
  const offset = Math.max(0, Number(query.offset) || 0);
  const { entries, total } = await get('/v1/audit', { offset, limit: PAGE });
  const page = (o) => `#/audit?offset=${o}`;
  return h('div', {},
    h('h1', { tabindex: '-1' }, 'Audit log'),
    h('p', { class: 'lede' }, 'Append-only and hash-chained: ', h('code', {}, 'facetrace audit verify --db DB'), ' detects any edited or deleted entry.'),
    h('table', { class: 'list audit', id: 'audit-list' },
      h('thead', {}, h('tr', {}, ['#', 'Time', 'User', 'Action', 'Case', 'Purpose', 'Photo sha256', 'Results'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, entries.map((e) => h('tr', {},
        h('td', { class: 'num' }, String(e.seq)), h('td', {}, dateTime(e.time)), h('td', {}, e.user || ''),
        h('td', {}, e.action || ''), h('td', {}, e.case_id ? h('a', { href: `#/cases/${e.case_id}` }, String(e.case_id)) : ''),
        h('td', {}, e.purpose || ''),
        h('td', { class: 'hash', title: e.photo_sha256 || '' }, (e.photo_sha256 || '').slice(0, 12)),
        h('td', {}, (e.result_ids || []).join(', ')))))),
    h('nav', { class: 'pager', 'aria-label': 'Pages' },
      offset > 0 ? h('a', { href: page(Math.max(0, offset - PAGE)) }, '← Previous') : null,
      total > offset + PAGE ? h('a', { href: page(offset + PAGE) }, 'Next →') : null,
      h('span', { class: 'muted' }, ` ${total} entries`)));
}
