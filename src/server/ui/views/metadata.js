// An identity's metadata (birth date, place, notes, ...) as a definition list.
import { h } from '../dom.js';

const pretty = (key) => key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

export function metadataList(metadata) {
  const entries = Object.entries(metadata || {}).filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (!entries.length) return null;
  return h('dl', { class: 'metadata' }, entries.map(([k, v]) => [
    h('dt', {}, pretty(k)),
    h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v)),
  ]));
}
