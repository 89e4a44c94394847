// Money arrives in minor units and is shown in its own currency; calendar days stay the same day
// wherever the browser is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { date, money } from '../src/format.js';

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
