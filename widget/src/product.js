// Product page: badge, ETA, message, partial stock, pay-later note, alternatives and notify-me,
// following the chosen variant and quantity.
import { badge, h, makeHost, replace, uid } from './dom.js';
import { formatMoney, stockWording } from './format.js';
import { contactOf, positiveId, safeUrl } from './ids.js';

export function productView(view, ctx) {
  const input = view.querySelector('input[name=product_id]');
  const productId = positiveId(view.getAttribute('data-entity-id')) || positiveId(input && input.value);
  if (!productId) return null;
  const forms = {};
  const sku = view.querySelector('[data-product-sku]');
  let items = [];
  let variantId = null;
  let loaded = 0;
  let sequence = 0;
  let headline = '';
  let timer;
  // The panel, placed on the page once there is something to show for the chosen variant.
  const { host, body } = makeHost('product');
  const content = h('div');
  const live = h('p', { class: 'sr', role: 'status' });
  body.append(content, live);

  function quantity() {
    const field = view.querySelector('input[name="qty[]"]');
    const value = parseInt(field && field.value, 10);
    return value > 0 && value <= 1e4 ? value : 1;
  }

  async function load() {
    const mine = ++sequence;
    const wanted = quantity();
    const [data] = await Promise.all([ctx.api.availability(productId, wanted), ctx.ready()]);
    if (mine !== sequence) return; // a newer request is on its way
    items = data.items;
    loaded = wanted;
    render();
  }

  function render() {
    const text = sku && sku.textContent.trim();
    const item = items.find((i) => i.variant_id === variantId) || items.find((i) => i.sku === text) || (items.length === 1 && items[0]);
    if (!item) return host.remove();
    if (!host.isConnected) {
      // After the whole buying area (Cornerstone's Add to Cart and Wish List forms sit side by
      // side in .productView-options), so the box never wraps around their floated buttons.
      const form = view.querySelector('form[data-cart-item-add]');
      const area = form && form.closest('.productView-options');
      if (area) area.append(host);
      else if (form) form.after(host);
      else view.appendChild(host);
    }
    const { t } = ctx;
    const words = stockWording(item, loaded, t, ctx.tag, ctx.today());
    // The merchant's message and reason are about reserving: shown only while one can reserve.
    const reserves = item.state === 'backorder';
    const soldOut = item.state === 'sold_out';
    replace(
      content,
      h('p', { class: 'head' }, badge(item.state, words.badge), words.eta && h('span', { class: 'eta' }, words.eta)),
      words.partial && h('p', { class: 'partial' }, words.partial),
      soldOut && h('p', null, t('sold_out_note')),
      reserves && item.message && h('p', null, item.message),
      reserves && item.reason && h('p', { class: 'reason' }, item.reason),
      item.pay_later && h('p', { class: 'muted' }, t('pay_later_note')),
      alternatives(item, item.alternatives.filter((a) => safeUrl(a.url)).slice(0, 3)),
      soldOut && notifyForm(item.variant_id),
    );
    // Announce a change the shopper caused (variant or quantity), not the first render.
    const next = [words.badge, words.eta, words.partial].join(' ');
    if (headline && next !== headline) live.textContent = next;
    headline = next;
    ctx.emit('render', { kind: 'product', variant_id: item.variant_id, state: item.state });
  }

  // Another option of this same product reads as its option ("43"), on a line of its own, so
  // that it is never lost when the name wraps.
  function alternatives(item, list) {
    return list.length && [
      h('h3', null, ctx.t('alternatives')),
      h('ul', { class: 'alts' }, list.map((a) => {
        const [name, option] = a.product_id === item.product_id ? a.name.split(/ [—–-] /) : [a.name];
        return h('li', null, h('a', { href: safeUrl(a.url) },
          safeUrl(a.image_url) && h('img', { src: safeUrl(a.image_url), alt: '', width: 40, height: 40 }),
          h('span', null, h('span', { class: 'name' }, name), option && h('span', { class: 'option' }, option),
            h('span', { class: 'muted' }, formatMoney(a.price, a.currency, ctx.tag)))));
      })),
    ];
  }

  function notifyForm(variant) {
    if (forms[variant]) return forms[variant];
    const id = uid();
    const field = h('input', {
      id, type: 'text', autocomplete: 'email', required: true, 'aria-describedby': id + 'e',
      // The error goes as soon as what is typed is valid.
      oninput: () => error.textContent && contactOf(field.value) && show(),
    });
    const error = h('p', { id: id + 'e', class: 'error', 'aria-live': 'polite' });
    const { t } = ctx;
    const button = h('button', null, t('send'));
    const wrap = h('div', { class: 'notify', 'aria-live': 'polite' });
    const show = (message) => {
      field.setAttribute('aria-invalid', !!message);
      error.textContent = message ? t(message) : '';
    };
    const form = h('form', {
      novalidate: true,
      hidden: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const contact = contactOf(field.value);
        if (!contact) return show('invalid') || field.focus();
        show();
        button.disabled = true;
        try {
          await ctx.api.subscribe({ variant_id: variant, ...contact, locale: ctx.lang });
          replace(wrap, h('p', { class: 'done' }, t('thanks')));
          ctx.emit('subscribe', { variant_id: variant });
        } catch (e) {
          show(e.status === 422 ? 'invalid' : 'failed');
          button.disabled = false;
        }
      },
    }, h('div', null, h('label', { for: id }, t('contact')), field), button, error);
    // The form opens from a button: the page does not grow until the shopper asks for it.
    const open = h('button', { type: 'button', class: 'secondary', onclick: () => {
      open.remove();
      form.hidden = false;
      field.focus();
    } }, t('notify'));
    wrap.append(open, form);
    return (forms[variant] = wrap);
  }

  function choose(id) {
    if (id && items.some((item) => item.variant_id === id)) {
      variantId = id;
      render();
    }
  }

  function quantityChanged() {
    clearTimeout(timer);
    timer = setTimeout(() => quantity() !== loaded && load().catch(ctx.fail), 250);
  }

  // Cornerstone announces the chosen variant with this event after an option input changes,
  // and writes the variant's SKU into [data-product-sku]: either one is enough.
  document.addEventListener('onProductOptionsChanged', (event) => {
    try {
      const data = event.detail.data || event.detail.content;
      choose(positiveId(data.variantId || data.v));
    } catch (e) { /* not a variant change this widget understands */ }
  });
  if (sku) new MutationObserver(() => { variantId = null; items.length && render(); }).observe(sku, { childList: true, characterData: true, subtree: true });
  // The quantity input, typed into or changed by the theme's +/− buttons.
  for (const type of ['change', 'input', 'click']) view.addEventListener(type, quantityChanged);

  return { load };
}
