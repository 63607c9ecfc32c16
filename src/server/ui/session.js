// Who is signed in and what their role lets them do. The server enforces every rule; the UI
// only hides the actions a role cannot take, so people are not offered buttons that fail.
import { get, getToken } from './api.js';

let current = null;  // {user, role} from /v1/me

export async function loadMe() {
  if (!getToken()) return null;
  current = await get('/v1/me');
  return current;
}
export function me() { return current; }
export function forget() { current = null; }

const role = () => (current ? current.role : null);
export const canSearch = () => ['analyst', 'admin'].includes(role());
export const canPropose = canSearch;
export const canEditIdentities = canSearch;
export const canReview = () => ['reviewer', 'admin'].includes(role());
export const canDeleteIdentities = () => role() === 'admin';
export const canAudit = () => role() === 'auditor';
