// One case: its searches, the identifications proposed from them and their reviews, and the
// report export (HTML for people, JSON for other tools).
import { h } from '../dom.js';
import { fetchBlob, get } from '../api.js';
import { dateTime, plural } from '../format.js';
import { apiImage } from '../image.js';
import { messageSlot } from '../notice.js';
import { canSearch } from '../session.js';
import { proposalView } from './proposal.js';

const searchIdOf = (s) => s.search_id ?? s.id;

function faceSummary(search) {
  const faces = search.faces || [];
  if (!faces.length) return 'no face found';
  const matched = faces.filter((f) => f.match).length;
  return `${plural(faces.length, 'face')}, ${matched ? `${matched} with a possible match` : 'no match'}`;
}

function exportButtons(caseId) {
  const slot = messageSlot();
  const download = async (format, button) => {
    button.disabled = true;
    try {
      const blob = await fetchBlob(`/v1/cases/${caseId}/report`, { format });
      const url = URL.createObjectURL(blob);
      const link = h('a', { href: url, download: `facetrace-case-${caseId}-report.${format}` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      slot.showInfo(`The ${format.toUpperCase()} report was downloaded.`);
    } catch (error) {
      slot.showError(error);
    } finally {
      button.disabled = false;
    }
  };
  const html = h('button', { type: 'button', id: 'export-html' }, 'Export report (HTML)');
  const json = h('button', { type: 'button', id: 'export-json', class: 'secondary' }, 'Export report (JSON)');
  html.addEventListener('click', () => download('html', html));
  json.addEventListener('click', () => download('json', json));
  return h('div', { class: 'export' }, html, json, slot);
}

export async function render({ params, rerender }) {
  const id = params.id;
  const c = await get(`/v1/cases/${id}`);
  const searches = c.searches || [];
  const proposals = c.proposals || [];
  // The candidate a proposal names, found in its search (for the name and gallery face).
  const candidateOf = (p) => {
    const s = searches.find((x) => searchIdOf(x) === p.search_id);
    const face = s && (s.faces || [])[p.face_index];
    return (face && (face.candidates || []).find((x) => x.identity_id === p.identity_id)) || null;
  };
  const proposalHeading = (p) => {
    const cand = candidateOf(p);
    const name = (cand && cand.name) || p.identity_name || p.name || `identity ${p.identity_id}`;
    return h('div', { class: 'proposal-title' },
      h('div', { class: 'pair small' },
        apiImage(`/v1/searches/${p.search_id}/faces/${p.face_index}/chip`, `Query face ${p.face_index + 1}`, { class: 'chip' }),
        cand ? apiImage(`/v1/faces/${cand.face_id}/chip`, `Gallery face of ${name}`, { class: 'chip' }) : null),
      h('span', {},
        h('strong', {}, h('a', { href: `#/identities/${p.identity_id}` }, name)), ' for face ', String(p.face_index + 1), ' of ',
        h('a', { href: `#/searches/${p.search_id}?face=${p.face_index}` }, `search #${p.search_id}`),
        h('br'), h('a', { href: `#/searches/${p.search_id}?face=${p.face_index}` }, 'Compare all candidates side by side'), ' '));
  };
  return h('div', { class: 'case-page', dataset: { caseId: id } },
    h('p', { class: 'crumbs' }, h('a', { href: '#/cases' }, 'Cases'), ' / ', `Case ${id}`),
    h('h1', { tabindex: '-1' }, c.title || `Case ${id}`),
    c.description ? h('p', { class: 'lede' }, c.description) : null,
    h('p', { class: 'muted' }, `Opened by ${c.created_by || 'unknown'} on ${dateTime(c.created_at)}`),
    h('div', { class: 'toolbar' },
      canSearch() ? h('a', { class: 'button', href: `#/search?case=${id}` }, 'New search in this case') : null,
      exportButtons(id)),
    h('h2', {}, 'Searches'),
    searches.length
      ? h('table', { class: 'list', id: 'case-searches' },
        h('thead', {}, h('tr', {}, ['Search', 'When', 'By', 'Purpose', 'Result'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, searches.map((s) => h('tr', {},
          h('td', {}, h('a', { href: `#/searches/${searchIdOf(s)}` }, `Search #${searchIdOf(s)}`)),
          h('td', {}, dateTime(s.created_at || s.time)),
          h('td', {}, s.user || s.created_by || ''),
          h('td', {}, s.purpose || ''),
          h('td', {}, faceSummary(s))))))
      : h('p', { class: 'muted' }, 'No search in this case yet.'),
    h('h2', {}, 'Proposed identifications'),
    h('p', { class: 'hint' }, 'A proposal becomes an identification only when two different reviewers confirm it.'),
    proposals.length
      ? h('div', { id: 'case-proposals', class: 'proposals' }, proposals.map((p) => proposalView(p, {
        onchange: rerender,
        heading: proposalHeading(p),
      })))
      : h('p', { class: 'muted', id: 'case-proposals' }, 'Nothing proposed yet.'));
}
