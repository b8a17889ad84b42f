// Assembles booth/dist from booth/src and the wasm-bindgen output
// (specs/booth.md §2): esbuild bundles each page's ES module (and the
// worker, with the wasm glue) into dist/static/, the wasm module is copied
// beside them, every page gets Subresource Integrity hashes, and
// SHA256SUMS and BUILD-INFO record what was built.
// Usage: node tools/build.mjs PKG_DIR OUT_DIR "rustc …" "wasm-bindgen …"
import { build, version as esbuildVersion } from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const [pkg, out, rustc, wasmBindgen] = process.argv.slice(2);
if (!pkg || !out || !rustc || !wasmBindgen) {
  console.error('usage: node tools/build.mjs PKG_DIR OUT_DIR RUSTC_VERSION WASM_BINDGEN_VERSION');
  process.exit(2);
}
const src = path.join(here, 'src');
const stat = path.join(out, 'static');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(stat, { recursive: true });

const digest = (alg, file) => createHash(alg).update(fs.readFileSync(file)).digest();
const sri = (file) => `sha384-${digest('sha384', file).toString('base64')}`;

fs.copyFileSync(path.join(pkg, 'psephos_booth_bg.wasm'), path.join(stat, 'psephos_booth_bg.wasm'));
fs.copyFileSync(path.join(src, 'css', 'booth.css'), path.join(stat, 'booth.css'));

const pkgPlugin = {
  name: 'wasm-pkg',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/pkg\/psephos_booth\.js$/ }, () => ({ path: path.join(pkg, 'psephos_booth.js') }));
  },
};
const pages = fs.readdirSync(path.join(src, 'pages')).filter((f) => f.endsWith('.html')).map((f) => f.slice(0, -5)).sort();
await build({
  entryPoints: [...pages, 'worker'].map((p) => path.join(src, 'js', `${p}.js`)),
  outdir: stat,
  bundle: true,
  format: 'esm',
  minify: true,
  target: ['chrome110', 'firefox115', 'safari16'],
  legalComments: 'eof',
  charset: 'utf8',
  define: { __WASM_SRI__: JSON.stringify(sri(path.join(stat, 'psephos_booth_bg.wasm'))) },
  plugins: [pkgPlugin],
  logLevel: 'warning',
});

fs.mkdirSync(path.join(out, 'pages'));
for (const p of pages) {
  const html = fs.readFileSync(path.join(src, 'pages', `${p}.html`), 'utf8')
    .replace(/\{\{sri:([a-z]+\.(?:js|css))\}\}/g, (_, f) => sri(path.join(stat, f)));
  fs.writeFileSync(path.join(out, 'pages', `${p}.html`), html);
}

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    return d.isDirectory() ? walk(full) : [full];
  });
}
const files = walk(out).map((f) => path.relative(out, f).split(path.sep).join('/')).sort();
const sums = files.map((f) => `${digest('sha256', path.join(out, f)).toString('hex')}  ${f}\n`).join('');
fs.writeFileSync(path.join(out, 'SHA256SUMS'), sums);
const bundle = createHash('sha256').update(sums).digest('hex');
fs.writeFileSync(path.join(out, 'BUILD-INFO'),
  `rustc: ${rustc}\nwasm-bindgen: ${wasmBindgen}\nesbuild: ${esbuildVersion}\nbundle: ${bundle}\n`);
console.log(`booth bundle ${bundle} (${files.length} files)`);
