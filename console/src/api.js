// The console's only way out: the documented /api/v1/admin routes, with the console session's
// bearer token, held here in memory (never in cookies or web storage).
let token = null;
let onExpired = () => {};

export function signIn(newToken, whenExpired) {
  token = newToken;
  onExpired = whenExpired;
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `The request failed (${status}).`);
    this.status = status;
    this.body = body;
    // flask-smorest nests field errors by location ({"json": {"field": [...]}}); the domain does not.
    const errors = (body && body.errors) || {};
    this.fields = errors.json || errors.query || errors.form || errors.files || errors.csv || errors;
  }
}

export function query(params) {
  const pairs = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '');
  return pairs.length ? `?${new URLSearchParams(pairs)}` : '';
}

export async function api(method, path, { body, headers = {}, auth } = {}) {
  const init = { method, headers: { Accept: 'application/json', Authorization: `Bearer ${auth || token}`, ...headers } };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api/v1/admin${path}`, init);
  } catch {
    throw new ApiError(0, { message: 'The server cannot be reached. Check your connection and try again.' });
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401 && !auth) onExpired();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const get = (path) => api('GET', path);

// A CSV route as a file on the merchant's disk: fetched with the session's token (a plain link
// could not send it), then saved from a Blob under the name the server gives.
export async function download(path) {
  let response;
  try {
    response = await fetch(`/api/v1/admin${path}`, { headers: { Accept: 'text/csv', Authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError(0, { message: 'The server cannot be reached. Check your connection and try again.' });
  }
  if (response.status === 401) onExpired();
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  const disposition = response.headers.get('Content-Disposition') || '';
  const named = /filename="?([^";]+)"?/.exec(disposition);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = named ? named[1] : path.split('/').pop().split('?')[0];
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the Blob after this task; freeing it at once could cancel the download.
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
}

// One key per user action, so a retried click cannot receive the same stock twice.
export const idempotencyKey = () => crypto.randomUUID();
