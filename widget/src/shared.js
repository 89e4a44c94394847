// The helpers the account chunk takes from the main bundle instead of carrying its own copies
// (build.mjs swaps the chunk's imports of dom.js, format.js, ids.js and i18n.js for these).
import { badge, h, makeHost, replace, uid } from './dom.js';
import { etaPhrase, formatDate, formatMoney } from './format.js';
import { positiveId, safeUrl } from './ids.js';
import { translator } from './i18n.js';

export const shared = { badge, h, makeHost, replace, uid, etaPhrase, formatDate, formatMoney, positiveId, safeUrl, translator };
export const SHARED = Object.keys(shared);
