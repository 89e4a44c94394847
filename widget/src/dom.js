// Building DOM without HTML strings: text always goes in through text nodes.
import { STYLES } from './styles.js';

// h('p', { class: 'muted' }, 'text', child, [more]): an element with its attributes (true is an
// empty attribute; null and false leave it out), listeners (onclick…) and children.
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (name.startsWith('on')) el[name] = value;
    else el.setAttribute(name, value === true ? '' : value);
  }
  return append(el, children);
}

export function append(el, children) {
  // Falsy children (null, false, '', 0 from `list.length && …`) are skipped: conditions read well.
  for (const child of children.flat(9)) {
    if (child) el.append(child);
  }
  return el;
}

export function replace(el, ...children) {
  el.textContent = '';
  return append(el, children);
}

// The coloured badge for a state (in_stock, backorder, waiting…), styled by the state's class.
export const badge = (state, text) => h('span', { class: 'badge ' + state }, text);

// A Shadow DOM host: the page's CSS cannot reach in and ours cannot leak out. `css` adds to the
// shared styles (the account chunk brings its own).
export function makeHost(kind, css = '') {
  const host = h('div', { class: 'backorder-desk backorder-desk--' + kind, 'data-backorder-desk': kind });
  const body = h('div', { class: 'bd-' + kind });
  host.attachShadow({ mode: 'open' }).append(h('style', null, STYLES + css), body);
  return { host, body };
}

let counter = 0;
export const uid = () => 'bd' + ++counter;
