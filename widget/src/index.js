// Backorder Desk storefront widget. One script tag:
//   <script src="APP_URL/widget.js" data-store="STORE_HASH" data-client-id="…" data-locale="…" defer></script>
// or, as the Scripts API injects it, <script src="APP_URL/widget.js?store=STORE_HASH&client_id=…" defer>
// (config.js reads either). The page's language strings and, on account pages only, the account
// code come as chunks from the same origin (chunks.js).
// Everything it does is wrapped so that no failure can reach the page: if the API is down or a
// browser lacks a feature, a product or category page simply stays as it was.
import { pickLocale, translator } from './i18n.js';
import { apiClient } from './api.js';
import { loadChunk } from './chunks.js';
import { widgetConfig, widgetScript } from './config.js';
import { h } from './dom.js';
import { badgeCards, CARD_SELECTOR } from './category.js';
import { localToday } from './format.js';
import { productView } from './product.js';

const PRODUCT_SELECTOR = '.productView[data-entity-id]';
const WATCHED = PRODUCT_SELECTOR + ',' + CARD_SELECTOR;
// An account order list or order page, or a guest's order link: the account chunk is needed.
const ORDER_PAGE = 'input[name=orderid]';
const ACCOUNT_PAGE = ORDER_PAGE + ',.account-listItem a[href*="order_id="]';

// An order page's panel comes after the order's own content. Its room is taken as soon as the
// widget starts, before the account chunk and the order's data arrive: down to the bottom of the
// window, so that what follows (the footer) is out of sight, and the panel, however tall and
// however late, moves nothing on screen (issue 11: no layout shift). Where the order's content
// already reaches past the window (or the page is scrolled past it), nothing is reserved.
function panelRoom() {
  const room = h('div', { class: 'backorder-desk-room' });
  (document.querySelector('.account') || document.querySelector('#main-content .container') || document.querySelector('main') || document.body).after(room);
  const top = room.getBoundingClientRect().top;
  if (top >= 0 && top < innerHeight) room.style.minHeight = innerHeight - top + 'px';
  return room;
}

function start(script, api) {
  // Listeners live in api.queue as [event, fn] pairs, whether added before or after the start.
  const emit = (event, data) => {
    for (const listener of api.queue) {
      try {
        if (listener[0] === event) listener[1](data);
      } catch (e) { /* a listener's error is its own */ }
    }
  };
  const fail = (error) => emit('error', { message: String(error && error.message) });
  const config = widgetConfig(script, location.href);
  const locale = pickLocale([config.locale, document.documentElement.lang, ...(navigator.languages || [])]);
  const chunk = (name) => loadChunk(config.origin, name + '-' + locale.lang);
  const ctx = {
    ...locale, // lang (for strings) and tag (for Intl)
    api: apiClient(config.origin, config.store, locale.lang), // the merchant's reason comes in the page's language
    clientId: config.clientId,
    today: localToday,
    emit,
    fail,
  };
  // ctx.t exists once the strings have come: whatever renders awaits ctx.ready() first, so a page
  // with nothing to show never downloads them.
  ctx.ready = () => chunk('strings').then((strings) => { ctx.t = ctx.t || translator(strings); });

  const seen = new WeakSet();
  let mounted = [];

  function scan(again) {
    const cards = [];
    for (const node of document.querySelectorAll(WATCHED)) {
      if (seen.has(node) && !(again && node.matches(CARD_SELECTOR))) continue;
      seen.add(node);
      if (node.matches(CARD_SELECTOR)) cards.push(node);
      else {
        const view = productView(node, ctx);
        if (view) {
          mounted.push(view);
          view.load().catch(fail);
        }
      }
    }
    if (cards.length) badgeCards(cards, ctx).catch(fail);
  }

  api.refresh = () => {
    try {
      scan(true);
      for (const view of mounted) view.load().catch(fail);
    } catch (e) { fail(e); }
  };

  if (document.querySelector(ORDER_PAGE)) ctx.panelRoom = panelRoom();
  scan();
  if (/[?&]bd_order=/.test(location.search) || document.querySelector(ACCOUNT_PAGE)) {
    Promise.all([chunk('account'), ctx.ready()]).then(([accountPages]) => accountPages(ctx)).then((panels) => { mounted = mounted.concat(panels); }, fail);
  }
  // Quick view, infinite scroll and faceted search add product views and cards later.
  let pending = 0;
  new MutationObserver((records) => {
    if (pending || !records.some((r) => [...r.addedNodes].some((n) => n.nodeType === 1 && !n.hasAttribute('data-backorder-desk')))) return;
    pending = setTimeout(() => {
      pending = 0;
      try { scan(); } catch (e) { fail(e); }
    }, 50);
  }).observe(document.body, { childList: true, subtree: true });
}

try {
  const existing = window.BackorderDesk;
  if (!(existing && existing.version)) {
    // Listeners may be added before the widget has started (window.BackorderDesk = {queue:
    // [[event, fn]]}, or .on() while it loads): all of them end up in the queue.
    const queue = (existing && existing.queue) || [];
    const api = window.BackorderDesk = { version: 1, queue, refresh() {}, on(event, fn) { queue.push([event, fn]); return api; } };
    const script = widgetScript(document);
    // Feature detection: without these the page stays exactly as it is.
    if (script && window.fetch && window.Intl && window.WeakSet && window.MutationObserver && Element.prototype.attachShadow) {
      const go = () => { try { start(script, api); } catch (e) { /* never reach the page */ } };
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', go);
      else go();
    }
  }
} catch (e) { /* never reach the page */ }
