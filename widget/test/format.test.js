import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daysBetween, etaPhrase, formatDate, formatMoney, localToday, productSummary, stockWording } from '../src/format.js';
import { translator } from '../src/i18n.js';
import { PRODUCT } from '../src/strings.js';

const en = translator(PRODUCT.en);
const TODAY = '2026-11-26';

test('dates are short, in the shopper locale, with the year only when it is not this one', () => {
  assert.equal(formatDate('2026-12-12', 'en-GB', TODAY), '12 Dec');
  assert.equal(formatDate('2026-12-12', 'en-US', TODAY), 'Dec 12');
  assert.equal(formatDate('2027-01-03', 'en-US', TODAY), 'Jan 3, 2027');
  assert.equal(formatDate('2026-12-12', 'de-DE', TODAY), '12. Dez.');
  assert.equal(formatDate('not a date', 'en', TODAY), '');
});

test('money is minor units formatted with the currency own decimals', () => {
  assert.equal(formatMoney(4500, 'USD', 'en-US'), '$45.00');
  assert.equal(formatMoney(4500, 'EUR', 'de-DE'), '45,00\u00a0€');
  assert.equal(formatMoney(4500, 'JPY', 'en-US'), '¥4,500');
  assert.equal(formatMoney(100, 'US', 'en-US'), ''); // not a currency code
});

test('local today is an ISO date and days are counted between ISO dates', () => {
  assert.equal(localToday(new Date(2026, 10, 26, 23, 30)), '2026-11-26');
  assert.equal(daysBetween('2026-11-26', '2026-12-10'), 14);
});

test('an inbound ETA says "around" its date', () => {
  assert.equal(etaPhrase({ date: '2026-12-12', source: 'inbound' }, en, 'en-GB', TODAY), 'Ships around 12 Dec');
  assert.equal(etaPhrase({ date: '2026-12-12', source: 'manual' }, en, 'en-GB', TODAY, true), 'around 12 Dec');
});

test('a lead-time ETA is a range of weeks, never a date', () => {
  assert.equal(etaPhrase({ date: '2026-12-18', source: 'lead_time' }, en, 'en', TODAY), 'Ships in 3–4 weeks');
  assert.equal(etaPhrase({ date: '2026-11-29', source: 'lead_time' }, en, 'en', TODAY), 'Ships in 1–2 weeks');
});

test('an unknown ETA says so, never a made-up date', () => {
  assert.equal(etaPhrase({ date: null, source: 'unknown' }, en, 'en', TODAY), 'Ship date not yet known');
  assert.equal(etaPhrase(null, en, 'en', TODAY, true), 'later (date unknown)');
});

test('a delayed ETA says delayed, with a new date to follow, in every language', () => {
  const delayed = { date: null, source: 'delayed' };
  assert.equal(etaPhrase(delayed, en, 'en', TODAY), 'Delayed — new date to follow');
  assert.equal(etaPhrase(delayed, en, 'en', TODAY, true), 'delayed — new date to follow');
  assert.equal(etaPhrase(delayed, translator(PRODUCT.de), 'de', TODAY), 'Verspätet – neues Datum folgt');
  assert.equal(etaPhrase(delayed, translator(PRODUCT.fr), 'fr', TODAY), 'Retardé — nouvelle date à venir');
  assert.equal(etaPhrase(delayed, translator(PRODUCT.es), 'es', TODAY), 'Retrasado — nueva fecha próximamente');
  // A delayed line keeps the date it missed for the merchant; the shopper is never shown it.
  assert.equal(etaPhrase({ date: '2026-11-20', source: 'delayed' }, en, 'en', TODAY), 'Delayed — new date to follow');
});

test('a product page whose stock is overdue says delayed, also for the part that must wait', () => {
  const overdue = { state: 'backorder', available_on_hand: 2, eta: { date: null, source: 'delayed' } };
  const words = stockWording(overdue, 5, en, 'en', TODAY);
  assert.equal(words.eta, 'Delayed — new date to follow');
  assert.equal(words.partial, '2 ship now, 3 delayed — new date to follow');
});

const backorder = { state: 'backorder', available_on_hand: 2, eta: { date: '2026-12-12', source: 'inbound' } };

test('partial stock: what ships now and when the rest follows', () => {
  const words = stockWording(backorder, 5, en, 'en-GB', TODAY);
  assert.equal(words.badge, 'Backorder');
  assert.equal(words.eta, 'Ships around 12 Dec');
  assert.equal(words.partial, '2 ship now, 3 around 12 Dec');
  assert.equal(stockWording({ ...backorder, eta: null }, 3, en, 'en', TODAY).partial, '2 ship now, 1 later (date unknown)');
});

test('no partial wording when nothing is on hand or the quantity fits', () => {
  assert.equal(stockWording({ ...backorder, available_on_hand: 0 }, 5, en, 'en', TODAY).partial, '');
  assert.equal(stockWording({ state: 'in_stock', available_on_hand: 9 }, 5, en, 'en', TODAY).partial, '');
  assert.equal(stockWording({ state: 'in_stock', available_on_hand: 3 }, 5, en, 'en', TODAY).partial, 'Only 3 available');
});

test('partial stock wording is translated', () => {
  const de = translator(PRODUCT.de);
  assert.equal(stockWording(backorder, 5, de, 'de-DE', TODAY).partial, '2 sofort, 3 um den 12. Dez.');
});

test('a product card shows the best state among its variants', () => {
  const items = [{ state: 'sold_out' }, { state: 'backorder' }, { state: 'sold_out' }];
  assert.equal(productSummary(items).state, 'backorder');
  assert.equal(productSummary([...items, { state: 'in_stock' }]).state, 'in_stock');
  assert.equal(productSummary([{ state: 'sold_out' }]).state, 'sold_out');
});
