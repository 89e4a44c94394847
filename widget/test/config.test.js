import { test } from 'node:test';
import assert from 'node:assert/strict';
import { widgetConfig, widgetScript } from '../src/config.js';

const PAGE = 'https://shop.example/shoes/';

// A script element as far as config.js looks at it.
function script(src, attributes = {}) {
  return { src: new URL(src, PAGE).href, getAttribute: (name) => (name in attributes ? attributes[name] : null) };
}

test('a hand-pasted tag is configured by its data attributes', () => {
  const tag = script('https://app.example/widget.js', { 'data-store': 'abc123', 'data-client-id': 'cid', 'data-locale': 'de' });
  assert.deepEqual(widgetConfig(tag, PAGE), { origin: 'https://app.example', store: 'abc123', clientId: 'cid', locale: 'de' });
});

test('a Scripts API tag (kind src, no attributes) is configured by its URL query', () => {
  const tag = script('https://app.example/widget.js?store=abc123&client_id=a%2Bb%20c&locale=fr-CA');
  assert.deepEqual(widgetConfig(tag, PAGE), { origin: 'https://app.example', store: 'abc123', clientId: 'a+b c', locale: 'fr-CA' });
});

test('data attributes win over the query, and a setting given nowhere is null', () => {
  const tag = script('https://app.example/widget.js?store=from-query&client_id=query-id', { 'data-store': 'from-attribute' });
  assert.deepEqual(widgetConfig(tag, PAGE), { origin: 'https://app.example', store: 'from-attribute', clientId: 'query-id', locale: null });
});

test('a relative src takes the page origin as the API origin', () => {
  assert.equal(widgetConfig(script('/widget.js?store=demo-store'), PAGE).origin, 'https://shop.example');
});

function documentWith(scripts, currentScript = null) {
  return { currentScript, querySelectorAll: (selector) => (assert.equal(selector, 'script[src*="/widget."]'), scripts) };
}

test('the widget script is document.currentScript when the browser gives it', () => {
  const current = script('https://app.example/widget.js?store=a');
  assert.equal(widgetScript(documentWith([script('https://app.example/widget.js?store=b')], current)), current);
});

test('without currentScript it is the last script loading /widget.js or the pinned /widget.<hash>.js', () => {
  const plain = script('https://app.example/widget.js?store=a');
  const pinned = script('https://app.example/widget.0123456789abcdef.js?store=b');
  const other = script('https://cdn.example/widget.min.css.js.map');
  assert.equal(widgetScript(documentWith([plain, pinned, other])), pinned);
  assert.equal(widgetScript(documentWith([pinned, plain])), plain);
  assert.equal(widgetScript(documentWith([script('https://cdn.example/widget.jsx'), other])), undefined);
});
