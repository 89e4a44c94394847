// Bundle and minify the widget into one IIFE: api/static/widget.js (served at /widget.js).
// Size matters (issue 4: at most 10 KB gzipped), so the shrinking is done here, not in the
// sources: esbuild bundles and minifies, renaming the widget's own internal property names
// (INTERNAL below), and terser then compresses the result once more.
import { build, transform } from 'esbuild';
import { minify } from 'terser';
import { gzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

// Property names that only the widget's own objects use (the context handed to each page module,
// the API client's methods, dialog options, a host's parts), safe to shorten. Never list a name
// that the API's JSON, the DOM or the public window.BackorderDesk object uses.
const INTERNAL = [
  'api', 't', 'tag', 'today', 'emit', 'fail', 'shopperSession',
  'availability', 'subscribe', 'session', 'orders', 'order', 'act',
  'host', 'live', 'title', 'fields', 'run', 'load',
];

const here = (path) => new URL(path, import.meta.url).pathname;
const outfile = here('../api/static/widget.js');
const css = await transform(readFileSync(here('./src/styles.css'), 'utf8'), { loader: 'css', minify: true });
const bundle = await build({
  entryPoints: [here('./src/index.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  charset: 'utf8',
  legalComments: 'none',
  mangleProps: new RegExp(`^(${INTERNAL.join('|')})$`),
  define: { __STYLES__: JSON.stringify(css.code.trim()) },
  write: false,
});
const { code } = await minify(bundle.outputFiles[0].text, {
  ecma: 2020,
  compress: { passes: 3 },
  mangle: true,
  format: { ascii_only: false },
});
mkdirSync(dirname(outfile), { recursive: true }); // api/static/ is not in git: a fresh clone lacks it
writeFileSync(outfile, code);
console.log(`widget: ${outfile} ${Buffer.byteLength(code)} bytes, ${gzipSync(code, { level: 9 }).length} bytes gzipped`);
