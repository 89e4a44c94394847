// Account pages and guest order links: each backordered line with its state, ETA, place in the
// queue and history, and the actions the API allows, each behind a confirmation dialog.
import { idempotencyKey } from './api.js';
import { openDialog } from './dialog.js';
import { badge, h, makeHost, replace, uid } from './dom.js';
import { etaPhrase, formatDate, formatMoney } from './format.js';
import { reasonKey } from './i18n.js';
import { orderIdFromUrl, orderLinkToken, positiveId, safeUrl } from './ids.js';

const ACTIVE = ['waiting', 'allocated', 'awaiting_payment'];

function orderIdOf(item) {
  const link = [...item.querySelectorAll('a[href]')].find((a) => orderIdFromUrl(a.href));
  return link && orderIdFromUrl(link.href);
}

// Lines worth showing: those that were backordered, and those that something happened to since
// (such as a line added by a switch).
const shown = (lines) => lines.filter((line) => line.quantity_backordered > 0 || (line.timeline || []).some((e) => e.kind !== 'placed'));

export async function accountPages(ctx) {
  const guest = orderLinkToken(location.search);
  const details = document.querySelector('input[name=orderid]');
  const detailsId = details && positiveId(details.value);
  const items = [...document.querySelectorAll('.account-listItem')].filter(orderIdOf);
  if (!guest && !detailsId && !items.length) return [];
  const token = await ctx.shopperSession(guest);
  if (!token) return [];
  if (detailsId) {
    const anchor = document.querySelector('.account-content .account-list') || details;
    return [await orderPanel(ctx, token, detailsId, (host) => anchor.before(host))];
  }
  const orders = (await ctx.api.orders(token)).items;
  if (guest) {
    const main = document.querySelector('#main-content .container') || document.querySelector('main') || document.body;
    return Promise.all(orders.map((order) => orderPanel(ctx, token, order.order_id, (host) => main.prepend(host))));
  }
  for (const item of items) {
    const order = orders.find((o) => o.order_id === orderIdOf(item));
    const lines = order ? shown(order.lines) : [];
    if (!lines.length) continue;
    const waiting = lines.filter((line) => line.state === 'waiting');
    const date = (line) => (line.eta && line.eta.date) || '~';
    const first = waiting.sort((a, b) => (date(a) < date(b) ? -1 : 1))[0];
    const state = waiting.length ? 'backorder' : lines[0].state;
    const { host, body } = makeHost('summary');
    body.append(h('p', null, badge(state, ctx.t(state)), ' ',
      waiting.length ? ctx.t('summary', { n: waiting.reduce((sum, line) => sum + line.quantity_backordered, 0), eta: etaPhrase(first.eta, ctx.t, ctx.tag, ctx.today()) }) : ''));
    item.append(host);
  }
  ctx.emit('render', { kind: 'order_list' });
  return [];
}

async function orderPanel(ctx, token, orderId, place) {
  const { t, tag } = ctx;
  // The string for a key the API chose (an event kind, a reason), or nothing when there is none.
  const known = (key) => t(key) !== key && t(key);
  const today = ctx.today();
  const { host, body } = makeHost('orders');
  const headingId = uid();
  const heading = h('h2', { id: headingId, tabindex: -1 }, t('order', { id: orderId }));
  const list = h('ul');
  const live = h('p', { class: 'sr', role: 'status' });
  body.append(h('section', { class: 'order', 'aria-labelledby': headingId }, heading, list, live));

  async function load() {
    const order = await ctx.api.order(token, orderId);
    replace(list, shown(order.lines).map(lineItem));
    ctx.emit('render', { kind: 'order', order_id: orderId });
  }

  function lineItem(line) {
    const active = ACTIVE.includes(line.state);
    const queue = line.queue;
    const payment = line.payment_request;
    const payUrl = payment && payment.status === 'open' && safeUrl(payment.url);
    return h('li', { class: 'line' },
      h('p', { class: 'head' }, h('span', { class: 'name' }, line.name), '× ' + line.quantity, badge(line.state, t(line.state))),
      line.state === 'waiting' && h('p', { class: 'eta' }, etaPhrase(line.eta, t, tag, today)),
      queue && h('p', { class: 'muted' }, queue.units_ahead ? t('queue', { n: queue.units_ahead }) : t('queue_first')),
      active && line.payment_mode === 'pay_later' && h('p', { class: 'muted' }, t('paying_later')),
      payUrl && h('p', null, h('a', { class: 'btn', href: payUrl }, t('pay_now') + ' · ' + formatMoney(payment.amount, payment.currency, tag))),
      line.timeline && line.timeline.length && h('details', null, h('summary', null, t('history')), h('ol', null, line.timeline.map((event) => {
        // These three read like the line's state; other kinds have their own words, or "Updated".
        const label = ['allocated', 'cancelled', 'switched'].includes(event.kind) ? t(event.kind) : known('ev_' + event.kind) || t('ev_other');
        const eta = event.kind === 'eta_changed' && event.data.new_eta;
        return h('li', null, h('time', { datetime: event.at }, formatDate(event.at, tag, today)), ' ',
          label, eta && ': ' + etaPhrase(eta, t, tag, today, true));
      }))),
      active && actions(line, !!payUrl),
    );
  }

  function actions(line, paying) {
    const buttons = h('div', { class: 'actions' });
    const reasons = [];
    for (const name of ['cancel', 'switch', line.payment_mode === 'pay_later' ? 'pay_now' : 'pay_later']) {
      const action = line.actions[name];
      // An open payment request already shows its own "Pay now" link.
      if (!action || (name === 'pay_now' && paying)) continue;
      const button = h('button', { type: 'button', class: name === 'cancel' && 'secondary' }, t(name));
      if (action.allowed) button.onclick = () => confirm(name, line, button);
      else {
        const id = uid();
        button.disabled = true;
        button.setAttribute('aria-describedby', id);
        reasons.push(h('p', { id, class: 'reason' }, t('not_now', { action: t(name), reason: known(reasonKey(action.reason)) || t('r_other') })));
      }
      buttons.append(button);
    }
    return [buttons, reasons];
  }

  function confirm(name, line, opener) {
    const key = idempotencyKey();
    let fields = [];
    let read = () => ({ mode: name });
    if (name === 'cancel') {
      const max = line.actions.cancel.max_quantity || line.quantity;
      const id = uid();
      const input = h('input', { id, type: 'number', min: 1, max, value: max });
      if (max > 1) fields = h('p', null, h('label', { for: id }, t('how_many')), input);
      read = () => ({ quantity: Math.min(Math.max(parseInt(input.value, 10) || 1, 1), max) });
    } else if (name === 'switch') {
      const group = uid();
      fields = h('fieldset', null, h('legend', { class: 'sr' }, t('switch')), line.alternatives.filter((a) => a.switch.allowed).map((a, i) => {
        const id = uid();
        return h('div', { class: 'choice' }, h('input', { id, type: 'radio', name: group, value: a.variant_id, checked: !i }),
          h('label', { for: id }, a.name + ' · ' + formatMoney(a.price, a.currency, tag)));
      }));
      read = (dialog) => ({ variant_id: positiveId((dialog.querySelector(':checked') || {}).value) });
    }
    openDialog(body, opener, t, {
      title: t(name) + ': ' + line.name,
      text: t('d_' + name),
      fields,
      async run(dialog) {
        const result = await ctx.api.act(token, orderId, line.id, name === 'cancel' || name === 'switch' ? name : 'payment-mode', read(dialog), key);
        ctx.emit('action', { action: name, order_id: orderId, line_id: line.id, result });
        live.textContent = t(name) + ': ' + t('done');
        await load().catch(ctx.fail);
        heading.focus();
      },
    });
  }

  await load();
  place(host);
  return { load };
}
