// An accessible confirmation dialog inside the widget's shadow root: labelled and described,
// focus kept inside while open, Escape and "Go back" close it, focus returns to its opener.
// `run(dialog)` does the work on "Confirm"; if it throws, the dialog stays open with the error's
// message, which the caller words for people.
import { h } from './dom.js';

export function openDialog(container, opener, t, { title, text, fields, run }) {
  const error = h('p', { class: 'error', role: 'alert' });
  const confirm = h('button', null, t('confirm'));
  const dialog = h('form', { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'bd-t', 'aria-describedby': 'bd-d' },
    h('h2', { id: 'bd-t' }, title), h('div', { id: 'bd-d' }, text), fields, error,
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', onclick: () => close(true) }, t('back')), confirm));
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
      await run(dialog);
      close();
    } catch (e) {
      error.textContent = e.message;
      confirm.disabled = false;
    }
  };
  overlay.onmousedown = (event) => event.target === overlay && close(true);
  document.addEventListener('keydown', onKey, true);
  container.append(overlay);
  (dialog.querySelector('input') || confirm).focus();
}
