// The single-page app: a hash router (#/cases/3, #/searches/7?face=0, ...) that renders one
// view at a time into <main>, with the header showing who is signed in.
import { h, replaceChildren } from './dom.js';
import { clearToken, getToken } from './api.js';
import { ROLE_LABELS } from './format.js';
import { errorMessage } from './notice.js';
import { canAudit, canSearch, forget, loadMe, me } from './session.js';
import * as audit from './views/audit.js';
import * as casePage from './views/case_page.js';
import * as cases from './views/cases.js';
import * as identities from './views/identities.js';
import * as identityPage from './views/identity_page.js';
import * as searchNew from './views/search_new.js';
import * as searchResult from './views/search_result.js';
import * as signin from './views/signin.js';

const ROUTES = [
  [/^\/signin$/, signin, 'Sign in'],
  [/^\/cases$/, cases, 'Cases'],
  [/^\/cases\/(?<id>\d+)$/, casePage, 'Case'],
  [/^\/search$/, searchNew, 'New search'],
  [/^\/searches\/(?<id>\d+)$/, searchResult, 'Search'],
  [/^\/identities$/, identities, 'Identities'],
  [/^\/identities\/(?<id>\d+)$/, identityPage, 'Identity'],
  [/^\/audit$/, audit, 'Audit log'],
];

const main = document.getElementById('view');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path, query: Object.fromEntries(new URLSearchParams(search)) };
}

function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function renderHeader() {
  const user = me();
  const { path } = parseHash();
  const current = (href) => path === href.slice(1) || path.startsWith(`${href.slice(1)}/`);
  const link = (href, text) => h('a', { href, 'aria-current': current(href) ? 'page' : null }, text);
  replaceChildren(nav, user ? [
    link('#/cases', 'Cases'),
    canSearch() ? link('#/search', 'New search') : null,
    link('#/identities', 'Identities'),
    canAudit() ? link('#/audit', 'Audit log') : null,
  ] : null);
  replaceChildren(who, user ? [
    h('span', { id: 'signed-in-as' }, `${user.user} (${ROLE_LABELS[user.role] || user.role})`),
    h('button', { type: 'button', class: 'secondary', id: 'sign-out', onclick: signOut }, 'Sign out'),
  ] : null);
}

function signOut() {
  clearToken();
  forget();
  navigate('#/signin');
}

let generation = 0;  // a slow view that finishes after the user moved on is dropped

async function route() {
  const mine = ++generation;
  const { path, query } = parseHash();
  if (path === '/') { navigate('#/cases'); return; }
  if (!getToken() && path !== '/signin') {
    navigate(`#/signin?next=${encodeURIComponent(location.hash)}`);
    return;
  }
  const match = ROUTES.map(([re, view, title]) => ({ m: path.match(re), view, title })).find((r) => r.m);
  main.setAttribute('aria-busy', 'true');
  try {
    if (getToken() && !me()) await loadMe();
    if (mine !== generation) return;
    renderHeader();
    if (!match) throw new Error(`There is no page at ${path}.`);
    const ctx = { params: match.m.groups || {}, query, navigate, rerender: route };
    const node = await match.view.render(ctx);
    if (mine !== generation) return;
    replaceChildren(main, node);
    document.title = `${match.title} · facetrace`;
    const heading = main.querySelector('h1');
    if (heading && !query.face) heading.focus({ preventScroll: true });
  } catch (error) {
    if (mine !== generation) return;
    replaceChildren(main, h('h1', { tabindex: '-1' }, 'Something went wrong'), errorMessage(error),
      h('p', {}, h('a', { href: '#/cases' }, 'Back to the cases')));
  } finally {
    if (mine === generation) main.removeAttribute('aria-busy');
  }
}

// The server refused the token (expired or revoked): back to sign-in, saying why.
window.addEventListener('facetrace:unauthorized', () => {
  if (parseHash().path === '/signin') return;
  clearToken();
  forget();
  navigate('#/signin?reason=expired');
});
// The skip link moves focus to the content without touching the route.
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', route);
route();
