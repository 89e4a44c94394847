// Chunks (build.mjs) come from the widget's own origin as classic scripts, cacheable for good:
// each calls document.currentScript.bd.done(payload) once it runs. One promise per chunk.
/* global __CHUNK_HASH__ */
import { shared } from './shared.js';

const loading = {};

export function loadChunk(origin, name) {
  return loading[name] || (loading[name] = new Promise((done, fail) => {
    const script = document.createElement('script');
    script.src = `${origin}/widget/${name}.${__CHUNK_HASH__}.js`;
    script.bd = { lib: shared, done };
    script.onerror = () => fail(Error(name));
    script.onload = () => script.remove();
    document.head.append(script);
  }));
}
