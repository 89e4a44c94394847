// The API client: JSON over fetch. Callers catch every failure; an error carries the HTTP status
// (none when the API could not be reached) and the API's reason code when it gave one.
export function apiClient(base, store, lang) {
  const storePath = '/api/v1/stores/' + encodeURIComponent(store);
  const call = async (path, body, token, key) => {
    const headers = body ? { 'Content-Type': 'application/json' } : {};
    if (token) headers.Authorization = 'Bearer ' + token;
    if (key) headers['Idempotency-Key'] = key;
    const response = await fetch(base + path, { method: body ? 'POST' : 'GET', headers, body: body ? JSON.stringify(body) : null, credentials: 'omit' });
    const data = await response.json().catch(() => null);
    if (!response.ok) throw Object.assign(new Error((data && data.message) || response.status), { status: response.status, reason: data && data.errors && data.errors.reason });
    return data;
  };
  return {
    call,
    storePath,
    availability: (ids, quantity) => call(`${storePath}/availability?product_ids=${ids}&quantity=${quantity}&locale=${lang}`),
    subscribe: (body) => call(storePath + '/restock-subscriptions', body),
  };
}
