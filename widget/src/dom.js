// Building DOM without HTML strings: text always goes in through text nodes.
import { STYLES } from './styles.js';

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  // Falsy children (null, false, '', 0 from `list.length && …`) are skipped: conditions read well.
  for (const child of children.flat(9)) {
    if (!child) continue;
    el.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return el;
}

// A Shadow DOM host: the page's CSS cannot reach in and ours cannot leak out.
export function makeHost(kind) {
  const host = document.createElement('div');
  host.className = 'backorder-desk backorder-desk--' + kind;
  host.setAttribute('data-backorder-desk', kind);
  const root = host.attachShadow({ mode: 'open' });
  root.appendChild(h('style', null, STYLES));
  const body = h('div', { class: 'bd bd-' + kind });
  root.appendChild(body);
  return { host, root, body };
}

export function replace(el, ...children) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return append(el, children);
}

let counter = 0;
export const uid = () => 'bd' + ++counter;
