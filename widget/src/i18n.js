// The languages the widget speaks. Its strings (strings.js) are not in the main bundle: each page
// loads one language's chunk. {name} placeholders are filled by t(). Text from the API (names,
// messages, reasons) never goes through here: it goes in as textContent.
export const LANGS = ['en', 'de', 'fr', 'es'];

// The first candidate tag (data-locale, <html lang>, the browser's languages) whose language the
// widget has; `tag` keeps the region for Intl (de-AT dates), `lang` picks the strings.
export function pickLocale(candidates) {
  for (const raw of candidates) {
    if (!raw) continue;
    const tag = raw.trim().replace('_', '-');
    const lang = tag.split('-')[0].toLowerCase();
    if (LANGS.includes(lang)) {
      let valid;
      try { valid = Intl.getCanonicalLocales(tag)[0]; } catch (e) { valid = lang; }
      return { lang, tag: valid };
    }
  }
  return { lang: 'en', tag: 'en' };
}

// t(key, vars) over one table of strings; a key it lacks goes to `fallback`, else comes back as
// itself, so that callers can tell.
export function translator(strings, fallback) {
  return (key, vars) => strings[key] == null
    ? (fallback ? fallback(key, vars) : key)
    : strings[key].replace(/\{(\w+)\}/g, (m, name) => (vars && name in vars ? String(vars[name]) : m));
}
