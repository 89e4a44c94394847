// Bundle the merchant console (React + BigDesign) into hashed ES modules under
// api/static/console/, one chunk per page (loaded with dynamic import), and write manifest.json,
// which the console page's route reads to name the entry file. Prints every file's gzipped
// size and the first load: the entry plus the chunks it imports statically.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const here = (path) => new URL(path, import.meta.url).pathname;
const outdir = here('../api/static/console');
const BUDGET = 250 * 1024; // issue 10: first load at most 250 KB gzipped

rmSync(outdir, { recursive: true, force: true }); // no stale hashed files from an older build
mkdirSync(outdir, { recursive: true });
const result = await build({
  entryPoints: { console: here('./src/main.jsx') },
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['es2020'],
  minify: true,
  jsx: 'automatic',
  outdir,
  entryNames: '[name].[hash]',
  chunkNames: 'chunk.[hash]',
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
});

const outputs = result.metafile.outputs;
const gzipped = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const built = (source) => Object.keys(outputs).find((file) => (outputs[file].entryPoint || '').endsWith(source));
const entry = built('src/main.jsx');
// The first load is what opening the console fetches: the entry, the Overview page it opens on,
// and the chunks those import statically.
const closure = (file, files = new Set()) => {
  if (files.has(file)) return files;
  files.add(file);
  for (const imported of outputs[file].imports) if (imported.kind === 'import-statement') closure(imported.path, files);
  return files;
};
const firstLoad = new Set([...closure(entry), ...closure(built('pages/Overview.jsx'))]);

const sizes = Object.fromEntries(Object.keys(outputs).map((file) => [basename(file), gzipped(file)]));
// The page loads `js` as module scripts, entry first (the rest of the first load is fetched at
// once rather than one import after another); paths are relative to api/static/.
const manifest = {
  js: [entry, ...[...firstLoad].filter((file) => file !== entry)].map((file) => `console/${basename(file)}`),
  css: [],
  gzipped: sizes,
};
writeFileSync(`${outdir}/manifest.json`, JSON.stringify(manifest, null, 2) + '\n');

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const firstLoadBytes = [...firstLoad].reduce((total, file) => total + sizes[basename(file)], 0);
for (const [file, output] of Object.entries(outputs)) {
  const page = output.entryPoint && output.entryPoint.includes('/pages/') ? basename(output.entryPoint, '.jsx') : '';
  const role = `${page ? `page ${page}` : file === entry ? 'entry' : 'shared'}${firstLoad.has(file) ? ', first load' : ''}`;
  console.log(`console: ${basename(file).padEnd(28)} ${kb(sizes[basename(file)]).padStart(9)} gzipped  (${role})`);
}
console.log(`console: first load ${kb(firstLoadBytes)} gzipped (budget ${kb(BUDGET)})`);
// What opening each other page first adds: its chunk and the shared chunks it brings.
for (const file of Object.keys(outputs).filter((each) => (outputs[each].entryPoint || '').includes('/pages/'))) {
  const added = [...closure(file)].filter((each) => !firstLoad.has(each));
  const bytes = added.reduce((total, each) => total + sizes[basename(each)], 0);
  if (bytes) console.log(`console: opening ${basename(outputs[file].entryPoint, '.jsx')} first adds ${kb(bytes)} gzipped`);
}
if (firstLoadBytes > BUDGET) {
  console.error('console: the first load is over its budget');
  process.exit(1);
}
