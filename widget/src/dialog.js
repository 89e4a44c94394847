// An accessible confirmation dialog inside the widget's shadow root: labelled and described,
// focus kept inside while open, Escape and "Go back" close it, focus returns to its opener.
import { h } from './dom.js';

export function openDialog(container, opener, options) {
  const error = h('p', { class: 'error', role: 'alert' });
  const confirm = h('button', null, options.confirm);
  const dialog = h('form', { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'bd-t', 'aria-describedby': 'bd-d' },
    h('h2', { id: 'bd-t' }, options.title), h('p', { id: 'bd-d' }, options.text), options.fields, error,
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', onclick: () => close(true) }, options.back), confirm));
  const overlay = h('div', { class: 'overlay' }, dialog);

  function close(refocus) {
    overlay.remove();
    document.removeEventListener('keydown', onKey, true);
    if (refocus) opener.focus();
  }

  function onKey(event) {
    if (event.key === 'Escape') close(true);
    if (event.key !== 'Tab') return;
    const items = [...dialog.querySelectorAll('button,input')].filter((item) => !item.disabled);
    const edge = items[event.shiftKey ? 0 : items.length - 1];
    const active = container.getRootNode().activeElement;
    if (active === edge || !dialog.contains(active)) {
      event.preventDefault();
      items[event.shiftKey ? items.length - 1 : 0].focus();
    }
  }

  dialog.onsubmit = async (event) => {
    event.preventDefault();
    confirm.disabled = true;
    error.textContent = '';
    try {
      await options.run(dialog);
      close();
    } catch (e) {
      error.textContent = options.failed(e);
      confirm.disabled = false;
    }
  };
  overlay.onmousedown = (event) => event.target === overlay && close(true);
  document.addEventListener('keydown', onKey, true);
  container.append(overlay);
  (dialog.querySelector('input') || confirm).focus();
}
