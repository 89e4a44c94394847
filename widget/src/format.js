// Pure formatting: dates and money through Intl, ETA phrases and partial-stock wording.
const DAY = 86400000;

function utcDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? new Date(Date.UTC(+m[1], m[2] - 1, +m[3])) : null;
}

// Today's date as YYYY-MM-DD in the shopper's own time zone (Swedish dates are ISO dates).
export const localToday = (now = new Date()) => now.toLocaleDateString('sv');

export function daysBetween(fromIso, toIso) {
  return Math.round((utcDate(toIso) - utcDate(fromIso)) / DAY);
}

// "12 Dec" (or "12 Dec 2027" when the year is not this one), in the shopper's locale.
export function formatDate(iso, tag, todayIso) {
  const date = utcDate(iso);
  if (!date) return '';
  const year = todayIso && iso.slice(0, 4) !== todayIso.slice(0, 4) ? 'numeric' : undefined;
  return cached(tag + year, () => new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year, timeZone: 'UTC' })).format(date);
}

// Intl formatters are slow to create: one per locale and kind is kept.
const formatters = {};
const cached = (key, make) => formatters[key] || (formatters[key] = make());

export function formatMoney(minor, currency, tag) {
  try {
    const format = cached(tag + currency, () => new Intl.NumberFormat(tag, { style: 'currency', currency }));
    const digits = format.resolvedOptions().maximumFractionDigits;
    return format.format(minor / 10 ** digits);
  } catch (e) {
    return '';
  }
}

// The ETA as a phrase: full ("Ships around 12 Dec") or the tail used inside other sentences
// ("around 12 Dec"). A lead-time ETA is a range of weeks, never a made-up date; a delayed one
// (the stock it rested on is overdue) says so, with no date until a new one is known.
export function etaPhrase(eta, t, tag, todayIso, tail = false) {
  let when;
  if (eta && eta.source === 'delayed') return t(tail ? 'delayed_tail' : 'delayed');
  if (!eta || !eta.date || eta.source === 'unknown') return t(tail ? 'later' : 'unknown');
  if (eta.source === 'lead_time') {
    const weeks = Math.max(Math.floor(daysBetween(todayIso, eta.date) / 7), 1);
    when = t('weeks', { a: weeks, b: weeks + 1 });
  } else {
    when = t('around', { date: formatDate(eta.date, tag, todayIso) });
  }
  return tail ? when : t('ships', { when });
}

// What a product page says for a chosen quantity: the headline ETA and, when part of the
// quantity is on hand and the rest must wait, "2 ship now, 3 around 12 Dec".
export function stockWording(item, quantity, t, tag, todayIso) {
  const onHand = item.available_on_hand || 0;
  const result = { badge: t(item.state), eta: '', partial: '' };
  if (item.state === 'backorder') {
    result.eta = etaPhrase(item.eta, t, tag, todayIso);
    if (onHand > 0 && quantity > onHand) {
      result.partial = t('partial', { now: onHand, later: quantity - onHand, when: etaPhrase(item.eta, t, tag, todayIso, true) });
    }
  } else if (item.state === 'in_stock' && quantity > onHand) {
    result.partial = t('only', { n: onHand });
  }
  return result;
}

// A product card shows the product's best state: in stock if any variant is, else backorder,
// else sold out.
const RANK = ['in_stock', 'backorder', 'sold_out'];
export const productSummary = (items) => items.sort((a, b) => RANK.indexOf(a.state) - RANK.indexOf(b.state))[0];
