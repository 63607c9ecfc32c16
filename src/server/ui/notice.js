// Messages shown to the user: errors from the API (with the server's own wording) and
// short confirmations. Both are announced to screen readers.
import { h } from './dom.js';
import { ApiError } from './api.js';

const STATUS_HINTS = {
  0: 'Check that facetrace serve is running and reachable.',
  401: 'Your token was not accepted: it may be mistyped, expired or revoked. Sign in again.',
  403: 'Your role does not allow this action.',
  404: 'It does not exist (or no longer does: query photos expire after the retention time).',
  409: 'This conflicts with the current state; reload the page to see it.',
  413: 'The upload is too large for this server.',
  415: 'The file is not an image this server can read.',
  429: 'Too many requests for this token; wait a minute and try again.',
};

export function errorMessage(error) {
  if (error instanceof ApiError) {
    const hint = STATUS_HINTS[error.status];
    return h('div', { class: 'notice error', role: 'alert' },
      h('strong', {}, error.status ? `Error ${error.status}` : 'Network error'),
      error.code && error.status ? h('span', { class: 'code' }, ` (${error.code})`) : null,
      ': ', h('span', { class: 'message' }, error.message),
      hint ? h('p', { class: 'hint' }, hint) : null);
  }
  return h('div', { class: 'notice error', role: 'alert' },
    h('strong', {}, 'Unexpected error'), ': ', h('span', { class: 'message' }, String(error && error.message || error)));
}

export function infoMessage(text) {
  return h('div', { class: 'notice info', role: 'status' }, text);
}

// A slot that holds at most one message; put it where the message should appear.
export function messageSlot() {
  const slot = h('div', { class: 'message-slot', 'aria-live': 'polite' });
  slot.showError = (error) => slot.replaceChildren(errorMessage(error));
  slot.showInfo = (text) => slot.replaceChildren(infoMessage(text));
  slot.clear = () => slot.replaceChildren();
  return slot;
}
