// The account chunk's own small helpers: order ids and guest links, idempotency keys, reasons.

import { positiveId } from './ids.js';

// The order id in an account link: Cornerstone's details_url is
// /account.php?action=view_order&order_id=123.
export function orderIdFromUrl(href, base) {
  try {
    const url = new URL(href, base || 'http://x.invalid/');
    return positiveId(url.searchParams.get('order_id'));
  } catch (e) {
    return null;
  }
}

// A signed guest order link arrives as ?bd_order=<token>.
export function orderLinkToken(search) {
  const token = new URLSearchParams(search || '').get('bd_order');
  return token && /^[\w.\-~:]{10,2000}$/.test(token) ? token : null;
}

export function idempotencyKey() {
  return crypto.randomUUID ? crypto.randomUUID() : Date.now() + '-' + Math.random().toString(36).slice(2);
}

// API reason codes that say the same thing to a shopper share one sentence.
export const reasonKey = (code) => 'r_' + (/^(already|switched)/.test(code) ? 'not_waiting' : /alternative|currency/.test(code) ? 'no_alternative' : code);
