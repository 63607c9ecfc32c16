// The REST client: every call to /v1 goes through here, with the signed-in user's token, and
// every failure becomes an ApiError carrying the server's own error code and message.

const TOKEN_KEY = 'facetrace.token';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;  // HTTP status; 0 when the server could not be reached
    this.code = code;      // the server's error code name, e.g. "kInvalidArgument"
  }
}

// The token lives in sessionStorage: it is forgotten when the tab closes.
export function getToken() { return sessionStorage.getItem(TOKEN_KEY); }
export function setToken(token) { sessionStorage.setItem(TOKEN_KEY, token); }
export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  revokeObjectUrls();
}

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, v);
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function errorFromResponse(response) {
  let code = `http_${response.status}`;
  let message = response.statusText || `HTTP ${response.status}`;
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch {
    if (text) message = text.slice(0, 300);
  }
  return new ApiError(response.status, code, message);
}

async function send(method, path, { json, form, query } = {}) {
  const headers = {};
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;  // FormData: the browser writes the multipart boundary
  }
  let response;
  try {
    response = await fetch(withQuery(path, query), { method, headers, body });
  } catch (err) {
    throw new ApiError(0, 'network', `Cannot reach the facetrace server (${err.message}).`);
  }
  if (!response.ok) {
    const error = await errorFromResponse(response);
    if (error.status === 401) window.dispatchEvent(new CustomEvent('facetrace:unauthorized', { detail: error }));
    throw error;
  }
  return response;
}

// JSON calls. A 204 answer gives null.
export async function request(method, path, options = {}) {
  const response = await send(method, path, options);
  if (response.status === 204) return null;
  return response.json();
}
export const get = (path, query) => request('GET', path, { query });
export const post = (path, json) => request('POST', path, { json });
export const postForm = (path, form) => request('POST', path, { form });

// Binary resources (photos, chips, reports) need the token too, so <img src> cannot fetch
// them directly: they are fetched here and handed to the page as object URLs.
export async function fetchBlob(path, query) {
  const response = await send('GET', path, { query });
  return response.blob();
}

const objectUrls = new Map();  // path -> Promise<object URL>, for the signed-in session

export function objectUrl(path) {
  if (!objectUrls.has(path)) {
    const pending = fetchBlob(path).then((blob) => URL.createObjectURL(blob));
    pending.catch(() => objectUrls.delete(path));
    objectUrls.set(path, pending);
  }
  return objectUrls.get(path);
}

function revokeObjectUrls() {
  for (const pending of objectUrls.values()) pending.then((url) => URL.revokeObjectURL(url), () => {});
  objectUrls.clear();
}
