// Money arrives in minor units and is shown in its own currency; calendar days stay the same day
// wherever the browser is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { date, days, decimal, money, percent, period, periodTick } from '../src/format.js';

test('money divides minor units by the currency’s own number of decimals', () => {
  assert.equal(money(123456, 'USD'), '$1,234.56');
  assert.equal(money(1234, 'JPY'), '¥1,234');
  assert.equal(money(null, 'USD'), '—');
});

test('a bare date is that calendar day, not midnight UTC moved into another day', () => {
  process.env.TZ = 'America/Los_Angeles';
  assert.equal(date('2026-12-04'), 'Dec 4, 2026');
  assert.equal(date(null), '—');
});

test('a share reads as a percentage, and no share (nothing to divide by) as a dash', () => {
  assert.equal(percent(0.8734), '87.3%');
  assert.equal(percent(1), '100%');
  assert.equal(percent(null), '—');
});

test('a period is named by its first day in the words of its granularity', () => {
  assert.equal(period('2026-11-30', 'week'), 'Week of Nov 30, 2026');
  assert.equal(period('2026-11-01', 'month'), 'November 2026');
  assert.equal(period('2026-11-30', 'day'), 'Nov 30, 2026');
  assert.equal(periodTick('2026-11-01', 'month'), 'Nov 2026');
  assert.equal(periodTick('2026-11-30', 'week'), 'Nov 30');
});

test('days keep one decimal and no figure is a dash', () => {
  assert.equal(days(2.5), '2.5 days');
  assert.equal(days(1), '1 day');
  assert.equal(days(null), '—');
});

test('a rate keeps one decimal at most', () => {
  assert.equal(decimal(1.4444), '1.4');
  assert.equal(decimal(3), '3');
  assert.equal(decimal(null), '—');
});
