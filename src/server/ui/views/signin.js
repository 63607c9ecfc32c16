// Sign in: the user pastes the API token an administrator gave them
// (`facetrace user add NAME --role ROLE`). It is kept in this tab's sessionStorage only.
import { h } from '../dom.js';
import { clearToken, setToken } from '../api.js';
import { messageSlot } from '../notice.js';
import { loadMe } from '../session.js';

export async function render({ navigate, query }) {
  const token = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off',
    spellcheck: 'false', required: true, 'aria-describedby': 'token-help' });
  const slot = messageSlot();
  if (query.reason === 'expired') slot.showInfo('Your session ended: the server no longer accepts the token. Sign in again.');
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in to facetrace'),
    h('label', { for: 'token' }, 'API token'),
    token,
    h('p', { id: 'token-help', class: 'hint' },
      'An administrator creates your token with ', h('code', {}, 'facetrace user add NAME --role ROLE'),
      '. It is kept in this browser tab only and forgotten when the tab closes.'),
    h('div', { class: 'actions' }, submit),
    slot);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = token.value.trim();
    if (!value) { slot.showInfo('Paste your API token first.'); return; }
    submit.disabled = true;
    setToken(value);
    try {
      await loadMe();
      navigate(query.next || '#/cases');
    } catch (error) {
      clearToken();
      slot.showError(error);
      submit.disabled = false;
      token.focus();
    }
  });
  return form;
}
