// A new search: the photo (dropped on the page or chosen with the file picker), the case it
// belongs to and its purpose. Case and purpose are required: both go to the audit log.
import { h } from '../dom.js';
import { get, postForm } from '../api.js';
import { messageSlot } from '../notice.js';
import { photoPicker } from '../photo_picker.js';

const RATES = [
  ['0.01', '1 in 100 (loose)'],
  ['0.001', '1 in 1,000 (default)'],
  ['0.0001', '1 in 10,000 (strict)'],
  ['0.00001', '1 in 100,000 (very strict)'],
];

export async function render({ query, navigate }) {
  const { cases } = await get('/v1/cases');
  if (!cases.length) {
    return h('div', {}, h('h1', { tabindex: '-1' }, 'New search'),
      h('p', {}, 'Every search belongs to a case. ', h('a', { href: '#/cases' }, 'Open a case first'), '.'));
  }

  const caseSelect = h('select', { id: 'search-case', name: 'case_id', required: true },
    h('option', { value: '' }, 'Choose a case…'),
    cases.map((c) => h('option', { value: c.id, selected: String(c.id) === query.case }, `#${c.id} ${c.title}`)));
  const purpose = h('textarea', { id: 'search-purpose', name: 'purpose', rows: 2, required: true,
    placeholder: 'Why this search is needed (e.g. "identify casualty, report 2024-117")' });
  const topK = h('input', { id: 'search-top-k', name: 'top_k', type: 'number', min: 1, max: 50, value: 5 });
  const rate = h('select', { id: 'search-rate', name: 'max_false_match_rate' },
    RATES.map(([value, label]) => h('option', { value, selected: value === '0.001' }, label)));
  const slot = messageSlot();
  const picker = photoPicker('search-photo', { onchoose: () => slot.clear() });
  const submit = h('button', { type: 'submit' }, 'Search the gallery');
  const form = h('form', { class: 'card search-form', 'aria-labelledby': 'search-title', novalidate: true },
    h('h1', { id: 'search-title', tabindex: '-1' }, 'New search'),
    h('p', { class: 'lede' }, 'The gallery returns candidates: people whose enrolled photos look closest. They are leads for a human to compare, never identifications.'),
    h('div', { class: 'grid-2' },
      h('div', {},
        h('label', { for: 'search-case' }, 'Case'), caseSelect,
        h('label', { for: 'search-purpose' }, 'Purpose of this search'), purpose,
        h('div', { class: 'grid-2' },
          h('div', {}, h('label', { for: 'search-top-k' }, 'Candidates per face'), topK),
          h('div', {}, h('label', { for: 'search-rate' }, 'Possible match when the false-match rate is at most'), rate))),
      h('div', {}, h('span', { class: 'label' }, 'Photo'), picker.element)),
    h('div', { class: 'actions' }, submit),
    slot);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const missing = [];
    if (!caseSelect.value) missing.push('a case');
    if (!purpose.value.trim()) missing.push('a purpose');
    const photo = picker.file();
    if (!photo) missing.push('a photo');
    if (missing.length) {
      slot.showInfo(`Please give ${missing.join(', ')}.`);
      return;
    }
    const body = new FormData();
    body.append('photo', photo, photo.name);
    body.append('case_id', caseSelect.value);
    body.append('purpose', purpose.value.trim());
    body.append('top_k', topK.value || '5');
    body.append('max_false_match_rate', rate.value);
    submit.disabled = true;
    slot.showInfo('Searching: finding faces and comparing them with the gallery…');
    try {
      const result = await postForm('/v1/search', body);
      navigate(`#/searches/${result.search_id}`);
    } catch (error) {
      slot.showError(error);
      submit.disabled = false;
    }
  });
  return form;
}
