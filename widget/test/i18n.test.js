import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS, TEXTS, pickLocale, reasonKey, translator } from '../src/i18n.js';

test('the first supported language wins, keeping its region for Intl', () => {
  assert.deepEqual(pickLocale([null, 'de-AT', 'fr']), { lang: 'de', tag: 'de-AT' });
  assert.deepEqual(pickLocale(['pt-BR', 'es_MX']), { lang: 'es', tag: 'es-MX' });
  assert.deepEqual(pickLocale(['FR']), { lang: 'fr', tag: 'fr' });
});

test('English is the fallback', () => {
  assert.deepEqual(pickLocale(['ja-JP', '', undefined]), { lang: 'en', tag: 'en' });
  assert.equal(translator('xx')('in_stock'), 'In stock');
});

test('every language has exactly one string for every key, with the same placeholders', () => {
  assert.deepEqual(Object.keys(TEXTS), ['en', 'de', 'fr', 'es']);
  const en = translator('en');
  for (const lang of Object.keys(TEXTS)) {
    assert.equal(TEXTS[lang].split('|').length, KEYS.length, lang);
    const t = translator(lang);
    for (const key of KEYS) {
      assert.ok(t(key) && t(key) !== key, `${lang} ${key}`);
      const names = (text) => (text.match(/\{\w+\}/g) || []).sort().join();
      assert.equal(names(t(key)), names(en(key)), `${lang} ${key} placeholders`);
    }
  }
  assert.equal(translator('fr')('backorder'), 'En réassort');
  assert.equal(translator('es')('sold_out'), 'Agotado');
});

test('placeholders are filled and unknown keys come back as themselves', () => {
  const t = translator('en');
  assert.equal(t('partial', { now: 2, later: 3, when: 'around 12 Dec' }), '2 ship now, 3 around 12 Dec');
  assert.equal(t('no_such_key'), 'no_such_key');
});

test('API reason codes map to plain sentences', () => {
  const t = translator('en');
  assert.equal(t(reasonKey('outside_cancel_window')), 'the time to cancel has passed.');
  assert.equal(t(reasonKey('already_shipped')), 'it is no longer waiting.');
  assert.equal(t(reasonKey('currency_mismatch')), 'no alternative in stock.');
  assert.equal(t(reasonKey('something_new')), 'r_something_new');
});
