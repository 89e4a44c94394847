// Bundle and minify the widget: api/static/widget.js (served at /widget.js) holds what product and
// category pages need; everything else is a chunk in api/static/widget/, loaded on demand from the
// same origin by a classic <script> (no CORS needed) and cached for good (its name carries the
// build's hash):
//   strings-<lang>.<hash>.js   the product and category strings of one language
//   account-<lang>.<hash>.js   the account-page code with its strings and styles, in one language
// A chunk hands its payload to the widget through document.currentScript.bd (see chunks.js); the
// account code gets the helpers it shares with the main bundle from there too (shared.js), so they
// are downloaded once. Size matters (issue 11: a product page downloads at most 6 KB gzipped).
import { build, transform } from 'esbuild';
import { minify } from 'terser';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ACCOUNT, PRODUCT } from './src/strings.js';
import { SHARED } from './src/shared.js';

// Property names that only the widget's own objects use (the context handed to each page module,
// the API client's methods, dialog options, a host's parts), safe to shorten. Never list a name
// that the API's JSON, the DOM, the public window.BackorderDesk object or a chunk's handshake uses.
const INTERNAL = [
  'api', 't', 'tag', 'today', 'emit', 'fail', 'shopperSession', 'ready', 'chunk', 'panelRoom',
  'availability', 'subscribe', 'session', 'orders', 'order', 'act',
  'host', 'live', 'title', 'fields', 'run', 'load',
];

const here = (path) => new URL(path, import.meta.url).pathname;
const outfile = here('../api/static/widget.js');
const chunkDir = here('../api/static/widget/');
const css = async (file) => (await transform(readFileSync(here(file), 'utf8'), { loader: 'css', minify: true })).code.trim();
const mangleCache = {};

async function bundle(entry, define, plugins = []) {
  const result = await build({
    entryPoints: [here(entry)],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    charset: 'utf8',
    legalComments: 'none',
    mangleProps: new RegExp(`^(${INTERNAL.join('|')})$`),
    mangleCache, // the same short names in every chunk
    define,
    plugins,
    write: false,
  });
  Object.assign(mangleCache, result.mangleCache);
  const { code } = await minify(result.outputFiles[0].text, {
    ecma: 2020,
    compress: { passes: 3 },
    mangle: true,
    format: { ascii_only: false },
  });
  return code;
}

// In a chunk, the shared modules are the main bundle's, handed over at load time.
const shareMain = {
  name: 'share-main',
  setup(b) {
    b.onResolve({ filter: /^\.\/(dom|format|ids|i18n)\.js$/ }, () => ({ path: 'shared', namespace: 'shared' }));
    b.onLoad({ filter: /.*/, namespace: 'shared' }, () => ({
      contents: `export const { ${SHARED.join(', ')} } = document.currentScript.bd.lib;`,
    }));
  },
};

const chunks = {};
for (const lang of Object.keys(PRODUCT)) {
  chunks[`strings-${lang}`] = `document.currentScript.bd.done(${JSON.stringify(PRODUCT[lang])});`;
}
const accountStyles = JSON.stringify(await css('./src/account.css'));
for (const lang of Object.keys(ACCOUNT)) {
  chunks[`account-${lang}`] = await bundle('./src/account-chunk.js', {
    __ACCOUNT_STYLES__: accountStyles,
    __ACCOUNT_STRINGS__: JSON.stringify(ACCOUNT[lang]),
  }, [shareMain]);
}
const hash = createHash('sha256').update(JSON.stringify(chunks)).digest('hex').slice(0, 10);
const main = await bundle('./src/index.js', {
  __STYLES__: JSON.stringify(await css('./src/styles.css')),
  __CHUNK_HASH__: JSON.stringify(hash),
});

mkdirSync(dirname(outfile), { recursive: true }); // api/static/ is not in git: a fresh clone lacks it
rmSync(chunkDir, { recursive: true, force: true });
mkdirSync(chunkDir);
writeFileSync(outfile, main);
const sizes = { 'widget.js': main };
for (const [name, code] of Object.entries(chunks)) {
  writeFileSync(`${chunkDir}${name}.${hash}.js`, code);
  sizes[`widget/${name}.${hash}.js`] = code;
}
for (const [name, code] of Object.entries(sizes)) {
  console.log(`widget: ${name.padEnd(32)} ${String(Buffer.byteLength(code)).padStart(6)} bytes, ${String(gzipSync(code, { level: 9 }).length).padStart(5)} bytes gzipped`);
}
