// The form that creates an identity or edits its name and metadata. The usual metadata fields
// have their own inputs; any other metadata key an identity already has is kept as it is.
import { h } from '../dom.js';
import { messageSlot } from '../notice.js';

const FIELDS = [
  ['birth_date', 'Birth date', 'date'],
  ['place', 'Place', 'text'],
  ['source', 'Source of the record', 'text'],
  ['notes', 'Notes', 'textarea'],
];

// submit({name, metadata}) -> Promise; its error is shown in the form.
export function identityForm({ idPrefix, title, submitLabel, identity = null, submit }) {
  const metadata = { ...((identity && identity.metadata) || {}) };
  const name = h('input', { id: `${idPrefix}-name`, name: 'name', required: true, maxlength: 200, value: identity ? identity.name : '' });
  const inputs = FIELDS.map(([key, label, type]) => {
    const id = `${idPrefix}-${key}`;
    const value = metadata[key] === undefined ? '' : String(metadata[key]);
    const input = type === 'textarea'
      ? h('textarea', { id, name: key, rows: 2 }, value)
      : h('input', { id, name: key, type, value });
    return [key, h('label', { for: id }, label), input];
  });
  const slot = messageSlot();
  const button = h('button', { type: 'submit' }, submitLabel);
  const form = h('form', { class: 'card identity-form', 'aria-label': title },
    h('h2', {}, title),
    h('label', { for: `${idPrefix}-name` }, 'Name'), name,
    h('div', { class: 'grid-2' }, inputs.map(([, label, input]) => h('div', {}, label, input))),
    h('div', { class: 'actions' }, button), slot);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!name.value.trim()) { slot.showInfo('An identity needs a name.'); name.focus(); return; }
    for (const [key, , input] of inputs) {
      if (input.value.trim()) metadata[key] = input.value.trim();
      else delete metadata[key];
    }
    button.disabled = true;
    try {
      await submit({ name: name.value.trim(), metadata });
    } catch (error) {
      slot.showError(error);
      button.disabled = false;
    }
  });
  return form;
}
