import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGS, pickLocale, translator } from '../src/i18n.js';
import { reasonKey } from '../src/orders.js';
import { ACCOUNT, PRODUCT } from '../src/strings.js';

const t = (lang) => translator(ACCOUNT[lang], translator(PRODUCT[lang]));

test('the first supported language wins, keeping its region for Intl', () => {
  assert.deepEqual(pickLocale([null, 'de-AT', 'fr']), { lang: 'de', tag: 'de-AT' });
  assert.deepEqual(pickLocale(['pt-BR', 'es_MX']), { lang: 'es', tag: 'es-MX' });
  assert.deepEqual(pickLocale(['FR']), { lang: 'fr', tag: 'fr' });
});

test('English is the fallback', () => {
  assert.deepEqual(pickLocale(['ja-JP', '', undefined]), { lang: 'en', tag: 'en' });
});

test('every language has every key of both tables, with the same placeholders', () => {
  for (const table of [PRODUCT, ACCOUNT]) {
    assert.deepEqual(Object.keys(table), LANGS);
    for (const lang of LANGS) {
      assert.deepEqual(Object.keys(table[lang]).sort(), Object.keys(table.en).sort(), lang);
      for (const key of Object.keys(table.en)) {
        const names = (text) => (text.match(/\{\w+\}/g) || []).sort().join();
        assert.ok(table[lang][key], `${lang} ${key}`);
        assert.equal(names(table[lang][key]), names(table.en[key]), `${lang} ${key} placeholders`);
      }
    }
  }
  assert.equal(t('fr')('backorder'), 'En réassort');
  assert.equal(t('es')('sold_out'), 'Agotado');
});

test('the account strings fall back to the product strings, then to the key itself', () => {
  const en = t('en');
  assert.equal(en('partial', { now: 2, later: 3, when: 'around 12 Dec' }), '2 ship now, 3 around 12 Dec');
  assert.equal(en('u_waiting', { n: 1 }), '1 waiting');
  assert.equal(en('no_such_key'), 'no_such_key');
});

test('API reason codes map to plain sentences', () => {
  const en = t('en');
  assert.equal(en(reasonKey('outside_cancel_window')), 'the time to cancel has passed.');
  assert.equal(en(reasonKey('already_shipped')), 'it is no longer waiting.');
  assert.equal(en(reasonKey('currency_mismatch')), 'no alternative in stock.');
  assert.equal(en(reasonKey('something_new')), 'r_something_new');
});
