// A search's result: the query photo with its faces outlined, and for every face the
// candidates as a grid, the query face beside each gallery face, with the distance, the
// estimated false-match rate and the identity's metadata. Analysts propose a candidate;
// reviewers confirm or reject the proposal.
import { h } from '../dom.js';
import { get, post } from '../api.js';
import { dateTime, distance, falseMatchRate, plural } from '../format.js';
import { apiImage, photoWithFaces } from '../image.js';
import { messageSlot } from '../notice.js';
import { canPropose } from '../session.js';
import { proposalView } from './proposal.js';
import { metadataList } from './metadata.js';

const CANDIDATES_NOT_VERDICTS = 'These are candidates, not identifications: people whose enrolled photos look closest to '
  + 'each face. Compare them yourself. A candidate becomes an identification only when an analyst proposes it and two '
  + 'different reviewers confirm it.';

function proposeForm(search, faceIndex, candidate, onchange) {
  const id = `propose-${faceIndex}-${candidate.rank}`;
  const comment = h('textarea', { id: `${id}-comment`, name: 'comment', rows: 2, required: true,
    placeholder: 'What you compared (features, marks, context)' });
  const slot = messageSlot();
  const submit = h('button', { type: 'submit' }, 'Propose for review');
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const form = h('form', { class: 'propose-form', 'aria-label': `Propose ${candidate.name}` },
    h('label', { for: `${id}-comment` }, 'Why this candidate'), comment,
    h('div', { class: 'actions' }, submit, cancel), slot);
  const open = h('button', { type: 'button', class: 'propose-open secondary' }, 'Propose this candidate…');
  form.hidden = true;
  open.addEventListener('click', () => { form.hidden = false; open.hidden = true; comment.focus(); });
  cancel.addEventListener('click', () => { form.hidden = true; open.hidden = false; open.focus(); });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!comment.value.trim()) { slot.showInfo('A comment is required: say what you compared.'); comment.focus(); return; }
    submit.disabled = true;
    try {
      await post('/v1/proposals', { search_id: search.search_id, face_index: faceIndex,
        identity_id: candidate.identity_id, comment: comment.value.trim() });
      onchange();
    } catch (error) {
      slot.showError(error);
      submit.disabled = false;
    }
  });
  return h('div', { class: 'propose' }, open, form);
}

// Where a gallery photo came from is recorded per photo, on the identity: fetched once per
// identity for the whole page.
function photoSources() {
  const identities = new Map();
  return (identityId, imageId) => {
    if (!identities.has(identityId)) identities.set(identityId, get(`/v1/identities/${identityId}`));
    return identities.get(identityId).then((identity) => {
      const photo = (identity.photos || []).find((p) => p.image_id === imageId);
      return photo ? photo.source : null;
    });
  };
}

function sourceCell(candidate, metadataSource, sourceOf) {
  const known = candidate.source ?? metadataSource;
  const cell = h('dd', { class: 'source' }, known || 'loading…');
  if (!candidate.source && candidate.image_id !== undefined) {
    sourceOf(candidate.identity_id, candidate.image_id).then(
      (source) => { cell.textContent = source || known || 'not recorded'; },
      () => { cell.textContent = known || 'not available'; });
  } else if (!known) {
    cell.textContent = 'not recorded';
  }
  return cell;
}

function candidateCard(search, face, candidate, proposals, onchange, sourceOf) {
  const sid = search.search_id;
  const metadata = { ...(candidate.metadata || {}) };
  const metadataSource = metadata.source;
  delete metadata.source;
  const mine = proposals.filter((p) => p.face_index === face.index && p.identity_id === candidate.identity_id);
  return h('article', { class: `candidate ${candidate.possible_match ? 'possible' : 'outside'}`,
    dataset: { rank: candidate.rank, identityId: candidate.identity_id, faceId: candidate.face_id },
    'aria-labelledby': `cand-${face.index}-${candidate.rank}` },
    h('header', {},
      h('span', { class: 'rank' }, `#${candidate.rank}`),
      h('h4', { id: `cand-${face.index}-${candidate.rank}` },
        h('a', { href: `#/identities/${candidate.identity_id}` }, candidate.name || `Identity ${candidate.identity_id}`)),
      candidate.possible_match
        ? h('span', { class: 'marker possible-match', title: 'Within the false-match-rate policy of this search' }, 'Possible match')
        : h('span', { class: 'marker outside-policy', title: 'Not within the false-match-rate policy of this search' }, 'Outside policy')),
    h('div', { class: 'pair' },
      h('figure', {}, apiImage(`/v1/searches/${sid}/faces/${face.index}/chip`, `Query face ${face.index + 1}`, { class: 'chip query-chip' }),
        h('figcaption', {}, 'Query face')),
      h('figure', {}, apiImage(`/v1/faces/${candidate.face_id}/chip`, `Gallery face of ${candidate.name}`, { class: 'chip gallery-chip' }),
        h('figcaption', {}, 'Gallery face'))),
    h('dl', { class: 'figures' },
      h('dt', {}, 'Distance'), h('dd', { class: 'distance' }, distance(candidate.distance)),
      h('dt', {}, 'Est. false-match rate'), h('dd', { class: 'fmr' }, falseMatchRate(candidate.false_match_rate)),
      h('dt', {}, 'Photo source'), sourceCell(candidate, metadataSource, sourceOf)),
    metadataList(metadata),
    mine.map((p) => proposalView(p, { onchange })),
    canPropose() && !mine.some((p) => p.status !== 'rejected') ? proposeForm(search, face.index, candidate, onchange) : null);
}

function faceSection(search, face, proposals, onchange, policy, sourceOf) {
  const candidates = face.candidates || [];
  let verdict;
  if (!candidates.length) {
    verdict = h('p', { class: 'face-status no-match', dataset: { match: 'false' } },
      h('strong', {}, 'No match. '), 'The gallery returned no candidate for this face.');
  } else if (face.match) {
    verdict = h('p', { class: 'face-status match', dataset: { match: 'true' } },
      h('strong', {}, 'Possible match. '),
      `At least one candidate is within the false-match-rate policy${policy}. It still needs a human comparison and two reviews.`);
  } else {
    verdict = h('p', { class: 'face-status no-match', dataset: { match: 'false' } },
      h('strong', {}, 'No match. '),
      `No candidate is within the false-match-rate policy${policy}. The closest gallery faces are shown for reference only: they are most likely other people.`);
  }
  return h('section', { class: 'face', id: `face-${face.index}`, dataset: { faceIndex: face.index }, tabindex: '-1',
    'aria-labelledby': `face-title-${face.index}` },
    h('h3', { id: `face-title-${face.index}` }, `Face ${face.index + 1}`,
      typeof face.quality === 'number' ? h('span', { class: 'quality' }, ` quality ${face.quality.toFixed(2)}`) : null),
    verdict,
    candidates.length ? h('div', { class: 'candidates' },
      candidates.map((c) => candidateCard(search, face, c, proposals, onchange, sourceOf))) : null);
}

export async function render({ params, query, rerender }) {
  const search = await get(`/v1/searches/${params.id}`);
  search.search_id = search.search_id ?? Number(params.id);
  const faces = (search.faces || []).map((f, i) => ({ ...f, index: f.index ?? i }));
  const proposals = search.proposals || [];
  const sourceOf = photoSources();
  const policy = search.max_false_match_rate ? ` (at most ${falseMatchRate(search.max_false_match_rate)})` : '';
  const focusFace = (i) => {
    const section = document.getElementById(`face-${i}`);
    if (section) { section.scrollIntoView({ behavior: 'smooth', block: 'start' }); section.focus({ preventScroll: true }); }
  };
  const view = h('div', { class: 'search-result', dataset: { searchId: search.search_id } },
    h('p', { class: 'crumbs' }, h('a', { href: '#/cases' }, 'Cases'), ' / ',
      h('a', { href: `#/cases/${search.case_id}` }, `Case ${search.case_id}`), ' / ', `Search #${search.search_id}`),
    h('h1', { tabindex: '-1' }, `Search #${search.search_id}`),
    h('p', { class: 'muted' },
      search.user ? `By ${search.user}` : '', search.created_at ? ` on ${dateTime(search.created_at)}` : '',
      search.purpose ? h('span', {}, ' · Purpose: ', h('q', {}, search.purpose)) : null),
    h('div', { class: 'notice caution', role: 'note' }, CANDIDATES_NOT_VERDICTS),
    search.expired_at ? h('div', { class: 'notice info', role: 'status' },
      `The query photo and the results without a match expired on ${dateTime(search.expired_at)} (retention policy).`) : null,
    h('div', { class: 'result-layout' },
      h('figure', { class: 'query-photo' },
        photoWithFaces(`/v1/searches/${search.search_id}/photo`, `Query photo of search ${search.search_id}`,
          faces.map((f) => ({ box: f.box, label: `Face ${f.index + 1}`, onselect: () => focusFace(f.index) })),
          search.width, search.height),
        h('figcaption', { id: 'faces-found' }, faces.length
          ? `${plural(faces.length, 'face')} found, outlined; choose one to jump to its candidates.`
          : 'No face was found in this photo.')),
      h('div', { class: 'faces' }, faces.map((f) => faceSection(search, f, proposals, rerender, policy, sourceOf)))));
  if (query.face !== undefined) setTimeout(() => focusFace(Number(query.face)), 0);
  return view;
}
