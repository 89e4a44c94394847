// Where the widget's settings come from. Pasted by hand, its script tag carries them as data
// attributes (data-store, data-client-id, data-locale); injected through BigCommerce's Scripts API
// (kind src, which takes no attributes) they are in the script URL's query instead:
// APP_URL/widget.js?store=STORE_HASH&client_id=…&locale=…. An attribute wins over the query.

// /widget.js and the pinned /widget.<hash>.js, with or without a query.
const WIDGET_SRC = /\/widget(\.\w+)?\.js([?#]|$)/;

// The widget's own script element: document.currentScript while a classic script runs (deferred
// ones included); otherwise (a module, a loader) the last script loading the widget.
export function widgetScript(doc) {
  return doc.currentScript || [...doc.querySelectorAll('script[src*="/widget."]')].filter((s) => WIDGET_SRC.test(s.src)).pop();
}

// The API origin (where the script came from), the store hash, the app's client id and the locale
// asked for; null for a setting given nowhere.
export function widgetConfig(script, base) {
  const url = new URL(script.src, base);
  // data-client-id is client_id in the query.
  const get = (name) => script.getAttribute('data-' + name) ?? url.searchParams.get(name.replace('-', '_'));
  return { origin: url.origin, store: get('store'), clientId: get('client-id'), locale: get('locale') };
}
