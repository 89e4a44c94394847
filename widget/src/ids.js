// Reading ids out of Cornerstone markup and URLs. Ids are positive integers, nothing else.
export function positiveId(value) {
  const text = String(value == null ? '' : value).trim();
  return /^[1-9]\d{0,17}$/.test(text) ? Number(text) : null;
}

export function chunks(list, size) {
  const out = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

// Only http(s) links and images from the API are used; anything else (javascript:, data:) is dropped.
export function safeUrl(value, base = globalThis.location && location.href) {
  try {
    const url = new URL(value, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch (e) {
    return null;
  }
}

// Email or phone for a restock alert: which one it is, or null when it is neither (the API
// checks the phone number itself).
export function contactOf(value) {
  const text = String(value || '').trim();
  if (/^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(text)) return { email: text };
  return /^\+?[\d\s().-]{7,20}$/.test(text) ? { phone: text } : null;
}
