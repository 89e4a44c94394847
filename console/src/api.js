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

// One key per user action, so a retried click cannot receive the same stock twice.
export const idempotencyKey = () => crypto.randomUUID();
