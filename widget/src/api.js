// The API client: JSON over fetch. Callers catch every failure.
export function apiClient(base, store) {
  const storePath = '/api/v1/stores/' + encodeURIComponent(store);
  const myOrders = '/api/v1/me/orders';
  const call = async (path, body, token, key) => {
    const headers = body ? { 'Content-Type': 'application/json' } : {};
    if (token) headers.Authorization = 'Bearer ' + token;
    if (key) headers['Idempotency-Key'] = key;
    const response = await fetch(base + path, { method: body ? 'POST' : 'GET', headers, body: body ? JSON.stringify(body) : null, credentials: 'omit' });
    const data = await response.json().catch(() => null);
    if (!response.ok) throw Object.assign(new Error((data && data.message) || response.status), { status: response.status });
    return data;
  };
  return {
    availability: (ids, quantity) => call(`${storePath}/availability?product_ids=${ids}&quantity=${quantity}`),
    subscribe: (body) => call(storePath + '/restock-subscriptions', body),
    session: (body) => call(storePath + '/sessions', body),
    orders: (token) => call(myOrders, 0, token),
    order: (token, id) => call(`${myOrders}/${id}`, 0, token),
    act: (token, order, line, action, body, key) => call(`${myOrders}/${order}/lines/${line}/${action}`, body, token, key),
  };
}

export function idempotencyKey() {
  return crypto.randomUUID ? crypto.randomUUID() : Date.now() + '-' + Math.random().toString(36).slice(2);
}
