// URL hash routing (#/backorders/10601?page=2), so a reload or a shared link opens the same view
// inside the control panel's iframe, whose own URL the console cannot change.
import { useEffect, useState } from 'react';

function parse() {
  const [path, search = ''] = window.location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, params: Object.fromEntries(new URLSearchParams(search)) };
}

export function href(path, params = {}) {
  const pairs = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '');
  return `#${path}${pairs.length ? `?${new URLSearchParams(pairs)}` : ''}`;
}

export function navigate(path, params) {
  window.location.hash = href(path, params);
}

export function useRoute() {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const update = () => setRoute(parse());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
