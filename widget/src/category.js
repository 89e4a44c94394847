// Category, search and brand pages: a badge on each product card that is not simply in stock,
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
  for (const part of chunks(ids, 50)) {
    const data = await ctx.api.availability(part, 1);
    for (const item of (data && data.items) || []) {
      if (!byProduct.has(item.product_id)) byProduct.set(item.product_id, []);
      byProduct.get(item.product_id).push(item);
    }
  }
  for (const card of cards) {
    const best = productSummary(byProduct.get(cardProductId(card)) || []);
    const old = card.querySelector('[data-backorder-desk=card]');
    if (old) old.remove();
    if (!best || best.state === 'in_stock') continue;
    // Over the card's picture, like the theme's own sale flag: nothing around it moves.
    const figure = card.querySelector('.card-figure, .listItem-figure');
    const { host, body } = makeHost(figure ? 'card' : 'badge');
    host.setAttribute('data-backorder-desk', 'card');
    body.append(badge(best.state, ctx.t(best.state)));
    if (figure) figure.appendChild(host);
    else card.insertBefore(host, card.firstChild);
  }
  ctx.emit('render', { kind: 'cards' });
}
