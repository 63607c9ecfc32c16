// The case list, and the form that opens a new case (analysts and administrators).
import { h } from '../dom.js';
import { get, post } from '../api.js';
import { dateTime } from '../format.js';
import { messageSlot } from '../notice.js';
import { canSearch } from '../session.js';

function createForm(navigate) {
  const title = h('input', { id: 'case-title', name: 'title', required: true, maxlength: 200 });
  const description = h('textarea', { id: 'case-description', name: 'description', rows: 3 });
  const slot = messageSlot();
  const submit = h('button', { type: 'submit' }, 'Create case');
  const form = h('form', { class: 'card', 'aria-labelledby': 'new-case-title' },
    h('h2', { id: 'new-case-title' }, 'New case'),
    h('label', { for: 'case-title' }, 'Title'), title,
    h('label', { for: 'case-description' }, 'Description'), description,
    h('div', { class: 'actions' }, submit), slot);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!title.value.trim()) { slot.showInfo('A case needs a title.'); title.focus(); return; }
    submit.disabled = true;
    try {
      const created = await post('/v1/cases', { title: title.value.trim(), description: description.value.trim() });
      navigate(`#/cases/${created.id}`);
    } catch (error) {
      slot.showError(error);
      submit.disabled = false;
    }
  });
  return form;
}

export async function render({ navigate }) {
  const { cases } = await get('/v1/cases');
  const table = cases.length
    ? h('table', { class: 'list', id: 'case-list' },
      h('caption', { class: 'visually-hidden' }, 'Cases'),
      h('thead', {}, h('tr', {}, ['Case', 'Description', 'Opened by', 'Opened', 'Searches'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, cases.map((c) => h('tr', { dataset: { caseId: c.id } },
        h('td', {}, h('a', { href: `#/cases/${c.id}` }, c.title || `Case ${c.id}`)),
        h('td', {}, c.description || ''),
        h('td', {}, c.created_by || ''),
        h('td', {}, dateTime(c.created_at)),
        h('td', { class: 'num' }, String(c.searches ?? 0))))))
    : h('p', { class: 'muted', id: 'case-list' }, 'No case yet.');
  return h('div', {},
    h('h1', { tabindex: '-1' }, 'Cases'),
    h('p', { class: 'lede' }, 'Every search belongs to a case and states its purpose; both are written to the audit log.'),
    table,
    canSearch() ? createForm(navigate) : null);
}
