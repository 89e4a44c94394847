// Category, search and brand pages: a badge on each product card that is not simply in stock
// ("Some options on backorder" when only some of its variants are),
// from one batched availability request per scan.
import { badge, makeHost } from './dom.js';
import { productSummary } from './format.js';
import { chunks, positiveId } from './ids.js';

export const CARD_SELECTOR = 'article.card[data-entity-id], article.listItem[data-entity-id]';

function cardProductId(card) {
  const button = card.querySelector('[data-product-id]');
  return positiveId(card.getAttribute('data-entity-id')) || positiveId(button && button.getAttribute('data-product-id'));
}

export async function badgeCards(cards, ctx) {
  const ids = [...new Set(cards.map(cardProductId))].filter(Boolean);
  if (!ids.length) return;
  const byProduct = new Map();
  const strings = ctx.ready(); // on its way while the availability comes
  for (const part of chunks(ids, 50)) {
    const data = await ctx.api.availability(part, 1);
    for (const item of (data && data.items) || []) {
      if (!byProduct.has(item.product_id)) byProduct.set(item.product_id, []);
      byProduct.get(item.product_id).push(item);
    }
  }
  await strings;
  for (const card of cards) {
    const items = byProduct.get(cardProductId(card)) || [];
    const best = productSummary(items);
    const old = card.querySelector('[data-backorder-desk=card]');
    if (old) old.remove();
    // In stock, yet some of its options only on backorder: the card says so.
    const some = best && best.state === 'in_stock' && items.some((item) => item.state === 'backorder');
    if (!best || (best.state === 'in_stock' && !some)) continue;
    // Over the card's picture, like the theme's own sale flag: nothing around it moves.
    const figure = card.querySelector('.card-figure, .listItem-figure');
    const { host, body } = makeHost(figure ? 'card' : 'badge');
    host.setAttribute('data-backorder-desk', 'card');
    body.append(some ? badge('backorder', ctx.t('some_backorder')) : badge(best.state, ctx.t(best.state)));
    if (figure) figure.appendChild(host);
    else card.insertBefore(host, card.firstChild);
  }
  ctx.emit('render', { kind: 'cards' });
}
