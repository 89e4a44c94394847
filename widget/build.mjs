// Bundle and minify the widget into one IIFE: api/static/widget.js (served at /widget.js).
import { build, transform } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const here = (path) => new URL(path, import.meta.url).pathname;
const outfile = here('../api/static/widget.js');
const css = await transform(readFileSync(here('./src/styles.css'), 'utf8'), { loader: 'css', minify: true });
await build({
  entryPoints: [here('./src/index.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  charset: 'utf8',
  legalComments: 'none',
  define: { __STYLES__: JSON.stringify(css.code.trim()) },
  outfile,
});
const bytes = readFileSync(outfile);
console.log(`widget: ${outfile} ${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} bytes gzipped`);
