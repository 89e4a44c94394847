// Account pages and guest order links (the account chunk): each backordered line with where its
// units stand, its ETA, place in the queue and history, and the actions the API allows, each
// behind a confirmation dialog that names the money involved.
/* global __ACCOUNT_STRINGS__, __ACCOUNT_STYLES__ */
import { openDialog } from './dialog.js';
import { badge, h, makeHost, replace, uid } from './dom.js';
import { etaPhrase, formatDate, formatMoney } from './format.js';
import { translator } from './i18n.js';
import { positiveId, safeUrl } from './ids.js';
import { idempotencyKey, orderIdFromUrl, orderLinkToken, reasonKey } from './orders.js';

const ACTIVE = ['waiting', 'allocated', 'awaiting_payment'];
const host = (kind) => makeHost(kind, __ACCOUNT_STYLES__);

function orderIdOf(item) {
  const link = [...item.querySelectorAll('a[href]')].find((a) => orderIdFromUrl(a.href));
  return link && orderIdFromUrl(link.href);
}

// Lines worth showing: those that were backordered and the lines that replaced them in a switch;
// in a summary, a switched line gives way to its replacement.
const shown = (lines, summary) => lines.filter((line) => line.replaces_line_id || (line.quantity_backordered > 0 && !(summary && line.state === 'switched')));

// An open payment request (pay later, or a dearer switch's difference) makes the line await payment.
const openPayment = (line) => line.payment_request && line.payment_request.status === 'open' && line.payment_request;
const stateOf = (line) => (openPayment(line) && ACTIVE.includes(line.state) ? 'awaiting_payment' : line.state);

// Where a line's units stand: "3 reserved · 1 waiting · 1 cancelled".
function unitParts(t, lines) {
  const sum = (field) => lines.reduce((total, line) => total + (line[field] || 0), 0);
  const switched = sum('quantity_switched');
  return [['u_allocated', sum('quantity_allocated')], ['u_waiting', sum('quantity_waiting')],
    ['u_shipped', sum('quantity_shipped')], ['u_cancelled', sum('quantity_cancelled') - switched], ['u_switched', switched]]
    .filter(([, n]) => n > 0).map(([key, n]) => t(key, { n }));
}

// One phrase for several waiting lines: their date when they share it, else the latest with
// "dates vary"; "delayed" as soon as one is, "date unknown" as soon as one has none.
function etaSummary(t, tag, today, waiting) {
  const etas = waiting.map((line) => line.eta);
  if (etas.some((eta) => eta && eta.source === 'delayed')) return t('delayed');
  if (etas.some((eta) => !eta || !eta.date || eta.source === 'unknown')) return t('unknown');
  const latest = etas.reduce((a, b) => (a.date < b.date ? b : a));
  return etas.every((eta) => eta.date === latest.date) ? etaPhrase(latest, t, tag, today) : t('eta_vary', { when: etaPhrase(latest, t, tag, today, true) });
}

// Words for a failure: the API's reason when it gave one, never a browser's "Failed to fetch".
function failure(t, error) {
  if (!error.status) return t('e_network');
  if (error.status >= 500) return t('e_server');
  const key = error.reason && reasonKey(error.reason);
  return key && t(key) !== key ? t(key) : error.message;
}

export async function accountPages(ctx) {
  const guest = orderLinkToken(location.search);
  const details = document.querySelector('input[name=orderid]');
  const detailsId = details && positiveId(details.value);
  const items = [...document.querySelectorAll('.account-listItem')].filter(orderIdOf);
  // The room reserved for an order's panel is given back when no panel will come (no order id,
  // no signed-in shopper): the footer moves up once, where the widget shows nothing.
  const noPanel = () => { if (ctx.panelRoom) ctx.panelRoom.style.minHeight = ''; return []; };
  if (!guest && !detailsId && !items.length) return noPanel();
  await ctx.ready();
  const t = translator(__ACCOUNT_STRINGS__, ctx.t);
  const c = { ...ctx, t, today: ctx.today() };
  // Placed where nothing on the page moves when it appears (issue 11: no layout shift): an order
  // page gets its panel in the room the main bundle reserved after the order's own content; a
  // guest's order link opens it as a sheet over the page; the orders list gets one line per order,
  // in the line of its status label.
  const placeOrder = detailsId ? (el) => ctx.panelRoom.append(el) : (el) => sheet(c, el);
  try {
    const token = await shopperSession(ctx, guest);
    if (!token) return noPanel();
    if (detailsId) return [await orderPanel(c, token, detailsId, placeOrder)];
    const orders = (await ctx.api.call('/api/v1/me/orders', 0, token)).items;
    if (guest) return Promise.all(orders.map((order) => orderPanel(c, token, order.order_id, placeOrder)));
    summaries(c, items, orders);
  } catch (error) {
    // The shopper came to manage an order: say that the details are missing, briefly.
    const notice = host('notice');
    notice.body.append(h('p', { class: 'notice', role: 'status' }, t('unavailable')));
    if (detailsId || guest) placeOrder(notice.host);
    else items[0].after(notice.host);
    throw error;
  }
  return [];
}

// A signed-in customer's session comes from the storefront's current-customer JWT (same origin);
// a guest's from the order link. Kept in memory only, never in a URL or storage.
async function shopperSession(ctx, orderLink) {
  const exchange = async (body) => (await ctx.api.call(ctx.api.storePath + '/sessions', body)).token;
  if (orderLink) return exchange({ order_link: orderLink });
  if (!ctx.clientId) return null;
  const response = await fetch('/customer/current.jwt?app_client_id=' + encodeURIComponent(ctx.clientId), { credentials: 'same-origin' });
  // A guest gets 404: there is nothing to show.
  return response.ok ? exchange({ customer_jwt: (await response.text()).trim() }) : null;
}

function summaries(ctx, items, orders) {
  const { t } = ctx;
  for (const item of items) {
    const order = orders.find((o) => o.order_id === orderIdOf(item));
    const lines = order ? shown(order.lines, true) : [];
    if (!lines.length) continue;
    const waiting = lines.filter((line) => line.quantity_waiting > 0);
    const states = lines.map(stateOf);
    const state = ['waiting', 'awaiting_payment', 'allocated', 'shipped', 'cancelled'].find((s) => states.includes(s)) || states[0];
    const { host: el, body } = host('summary');
    const text = [...unitParts(t, lines), waiting.length && etaSummary(t, ctx.tag, ctx.today, waiting)].filter(Boolean).join(' · ');
    // One line that never wraps (the whole text stays readable as the title): the item keeps its height.
    body.append(badge(state, t(state)), ' ', text);
    body.title = t(state) + ' · ' + text;
    const status = item.querySelector('.account-orderStatus');
    if (status) {
      // Beside the status label, in the room left on its line (measured before anything moves).
      const label = status.lastElementChild;
      const room = status.getBoundingClientRect().right - (label ? label.getBoundingClientRect().right : status.getBoundingClientRect().left);
      el.style.maxWidth = Math.max(room - 16, 0) + 'px';
      status.append(el);
    } else item.append(el);
  }
  ctx.emit('render', { kind: 'order_list' });
}

// A guest's order over the page: a dialog the shopper closes to see the page under it.
function sheet(ctx, panel) {
  const { host: el, body } = host('sheet');
  const close = h('button', { type: 'button', class: 'secondary', onclick: () => el.remove() }, ctx.t('close'));
  body.append(h('div', { class: 'sheet', role: 'dialog', 'aria-modal': 'true', 'aria-label': ctx.t('backorders'),
    onkeydown: (event) => event.key === 'Escape' && el.remove() }, h('div', { class: 'row' }, close), panel));
  document.body.append(el);
  close.focus();
}

async function orderPanel(ctx, token, orderId, place) {
  const { t, tag, today } = ctx;
  const money = (amount, currency) => formatMoney(amount, currency, tag);
  // The string for a key the API chose (an event kind, a reason), or nothing when there is none.
  const known = (key) => t(key) !== key && t(key);
  const me = (path, body, key) => ctx.api.call(`/api/v1/me/orders/${orderId}${path}`, body, token, key);
  const { host: el, body } = host('orders');
  const headingId = uid();
  const heading = h('h2', { id: headingId, tabindex: -1 }, t('order', { id: orderId }));
  const list = h('ul');
  // What the last action did, in words and money: visible, and announced.
  const live = h('p', { class: 'done', role: 'status' });
  body.append(h('section', { class: 'order', 'aria-labelledby': headingId }, heading, live, list));

  async function load() {
    const order = await me('');
    replace(list, shown(order.lines).map(lineItem));
    ctx.emit('render', { kind: 'order', order_id: orderId });
  }

  function lineItem(line) {
    const active = ACTIVE.includes(line.state);
    const queue = line.queue;
    const payment = openPayment(line);
    const payUrl = payment && safeUrl(payment.url);
    const state = stateOf(line);
    const switchedEvent = (line.timeline || []).find((event) => event.kind === 'switched');
    line.quantity_switched = switchedEvent ? switchedEvent.data.quantity : 0;
    const parts = unitParts(t, [line]);
    // "2 switched to Trail Runner 2 — 43": the switched units come last.
    if (switchedEvent) parts.push(parts.pop() + ' ' + t('to', { name: switchedEvent.data.to_name }));
    return h('li', { class: 'line' },
      h('p', { class: 'head' }, h('span', { class: 'name' }, line.name), badge(state, t(state))),
      h('p', { class: 'units' }, parts.join(' · ')),
      line.state === 'waiting' && h('p', { class: 'eta' }, etaPhrase(line.eta, t, tag, today)),
      queue && h('p', { class: 'muted' }, queue.units_ahead ? t('queue', { n: queue.units_ahead }) : t('queue_first')),
      active && line.payment_mode === 'pay_later' && !payment && h('p', { class: 'muted' }, t('paying_later')),
      payment && h('p', { class: 'money' }, payment.hold_until
        ? t('due_by', { amount: money(payment.amount, payment.currency), date: formatDate(payment.hold_until, tag, today) })
        : t('due', { amount: money(payment.amount, payment.currency) })),
      payUrl && h('p', null, h('a', { class: 'btn', href: payUrl }, t('pay_now') + ' · ' + money(payment.amount, payment.currency))),
      line.timeline && line.timeline.length && h('details', null, h('summary', null, t('history')),
        h('ol', null, line.timeline.map((event) => h('li', null, h('time', { datetime: event.at }, formatDate(event.at, tag, today)), ' ', eventText(line, event))))),
      active && actions(line, !!payUrl),
    );
  }

  // A history entry with its numbers and money: "Cancelled 1 — refund $45.00".
  function eventText(line, { kind, data }) {
    const amount = (value) => money(value, data.currency || line.currency);
    const refund = data.refund ? data.refund.amount : data.refund_amount;
    const difference = data.price_difference;
    let text = known('ev_' + kind) ? t('ev_' + kind, {
      n: data.quantity == null ? data.quantity_backordered : data.quantity,
      name: data.to_name,
      amount: data.amount == null ? '' : amount(data.amount),
    }) : t('ev_other');
    if (kind === 'eta_changed' && data.new_eta) text += ': ' + etaPhrase(data.new_eta, t, tag, today, true);
    if (refund > 0) text += ' — ' + t('refund', { amount: amount(refund) });
    else if (difference > 0) text += ' — ' + t('charge', { amount: amount(difference) });
    if (data.hold_until) text += ' — ' + t('by', { date: formatDate(data.hold_until, tag, today) });
    return text;
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
    const price = (units) => money(units * line.unit_price, line.currency);
    const open = line.quantity - line.quantity_shipped - line.quantity_cancelled;
    const text = h('p', { class: 'money' });
    let fields = [];
    let read = () => ({ mode: name });
    let path = '/payment-mode';
    if (name === 'cancel') {
      const max = line.actions.cancel.max_quantity || line.quantity;
      const perUnit = line.actions.cancel.refund_per_unit || 0;
      const id = uid();
      const count = () => Math.min(Math.max(parseInt(input.value, 10) || 1, 1), max);
      // The refund for the quantity chosen, kept up to date as it changes.
      const show = () => { text.textContent = perUnit ? t('d_cancel', { amount: money(count() * perUnit, line.currency) }) : t('d_cancel_free'); };
      const input = h('input', { id, type: 'number', min: 1, max, value: max, oninput: show });
      if (max > 1) fields = h('p', null, h('label', { for: id }, t('how_many')), input);
      show();
      read = () => ({ quantity: count() });
      path = '/cancel';
    } else if (name === 'switch') {
      const group = uid();
      // Each choice with its price and what it costs or gives back for the whole line.
      fields = h('fieldset', null, h('legend', { class: 'sr' }, t('switch')), line.alternatives.filter((a) => a.switch.allowed).map((a, i) => {
        const id = uid();
        const difference = a.price_difference;
        const extra = difference > 0 ? t('charge', { amount: money(difference, a.currency) }) : difference < 0 ? t('refund', { amount: money(-difference, a.currency) }) : t('same_price');
        return h('div', { class: 'choice' }, h('input', { id, type: 'radio', name: group, value: a.variant_id, checked: !i }),
          h('label', { for: id }, `${a.name} · ${money(a.price, a.currency)} · ${extra}`));
      }));
      text.textContent = t('d_switch');
      read = (dialog) => ({ variant_id: positiveId((dialog.querySelector(':checked') || {}).value) });
      path = '/switch';
    } else if (name === 'pay_later') {
      text.textContent = t('d_pay_later', { now: price(line.quantity_waiting), later: price(open) });
    } else {
      text.textContent = t('d_pay_now', { amount: price(open) });
    }
    openDialog(body, opener, t, {
      title: t(name) + ': ' + line.name,
      text,
      fields,
      async run(dialog) {
        let result;
        try {
          result = await me(`/lines/${line.id}${path}`, read(dialog), key);
        } catch (error) {
          if (error.status !== 409) throw Error(failure(t, error));
          // A stale tab: the line changed meanwhile. Show it as the server has it now.
          live.textContent = t('stale', { reason: failure(t, error) });
          await load().catch(ctx.fail);
          heading.focus();
          return;
        }
        ctx.emit('action', { action: name, order_id: orderId, line_id: line.id, result });
        live.textContent = outcome(name, result, line);
        await load().catch(ctx.fail);
        heading.focus();
      },
    });
  }

  // What an action did, with its money: "Cancelled 1 — refund $45.00."
  function outcome(name, result, line) {
    const amount = (value) => money(value, line.currency);
    const refund = result.refund && result.refund.amount;
    const payment = result.payment_request;
    let text = t('ok_' + name, { n: result.quantity });
    if (refund > 0) text += ' — ' + t('refund', { amount: amount(refund) });
    if (payment) text += ' — ' + t('charge', { amount: amount(payment.amount) });
    if (payment && payment.hold_until) text += ' ' + t('by', { date: formatDate(payment.hold_until, tag, today) });
    return text;
  }

  await load();
  place(el);
  return { load };
}
