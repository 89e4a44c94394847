import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunks, contactOf, positiveId, safeUrl } from '../src/ids.js';
import { orderIdFromUrl, orderLinkToken } from '../src/orders.js';

test('ids are positive integers and nothing else', () => {
  assert.equal(positiveId('101'), 101);
  assert.equal(positiveId(' 7 '), 7);
  for (const bad of ['0', '-1', '1.5', '1e3', 'abc', '', null, undefined]) assert.equal(positiveId(bad), null);
});

test('the order id comes from a Cornerstone details link', () => {
  assert.equal(orderIdFromUrl('/account.php?action=view_order&order_id=1005', 'https://shop.example/'), 1005);
  assert.equal(orderIdFromUrl('https://shop.example/account.php?action=order_status'), null);
  assert.equal(orderIdFromUrl('/account.php?order_id=x', 'https://shop.example/'), null);
});

test('a guest order link token is read from ?bd_order= and must look like a token', () => {
  assert.equal(orderLinkToken('?bd_order=eyJzdG9yZSI6ImRlbW8ifQ.abc-DEF_1'), 'eyJzdG9yZSI6ImRlbW8ifQ.abc-DEF_1');
  assert.equal(orderLinkToken('?bd_order=<script>'), null);
  assert.equal(orderLinkToken('?other=1'), null);
});

test('only http and https links are ever used', () => {
  assert.equal(safeUrl('/demo/products/1', 'https://shop.example/x'), 'https://shop.example/demo/products/1');
  assert.equal(safeUrl('javascript:alert(1)', 'https://shop.example/'), null);
  assert.equal(safeUrl('data:text/html,hi', 'https://shop.example/'), null);
  assert.equal(safeUrl('http://[bad', 'https://shop.example/'), null);
});

test('a restock contact is an email or a phone number', () => {
  assert.deepEqual(contactOf(' ada@example.com '), { email: 'ada@example.com' });
  assert.deepEqual(contactOf('+49 151 2345678'), { phone: '+49 151 2345678' });
  assert.equal(contactOf('ada@'), null);
  assert.equal(contactOf('call me'), null);
});

test('ids are asked for in batches of at most 50', () => {
  const ids = Array.from({ length: 120 }, (_, i) => i + 1);
  assert.deepEqual(chunks(ids, 50).map((part) => part.length), [50, 50, 20]);
});
