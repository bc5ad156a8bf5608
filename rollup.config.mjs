// One self-contained, minified ES module: lit, peerjs, @noble/*, idb-keyval and our code.
// Reproducible: no timestamps, no absolute paths, deterministic chunking (there is one chunk).
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';

/** Writes dist/bundle-report.json: bytes per package as rendered before the final minify (shares, not exact sizes). */
function sizeReport() {
  return {
    name: 'friends-chat-size-report',
    generateBundle(_options, bundle) {
      const sizes = {};
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        for (const [id, info] of Object.entries(chunk.modules)) {
          const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id);
          const key = match ? match[1] : 'friends-chat (src)';
          sizes[key] = (sizes[key] ?? 0) + info.renderedLength;
        }
      }
      const rows = Object.entries(sizes).sort((a, b) => b[1] - a[1]);
      this.emitFile({ type: 'asset', fileName: 'bundle-report.json', source: JSON.stringify(Object.fromEntries(rows), null, 2) + '\n' });
    },
  };
}

export default {
  input: 'src/friends-chat.ts',
  output: {
    file: 'dist/friends-chat.js',
    format: 'es',
    sourcemap: true,
    sourcemapExcludeSources: false,
    inlineDynamicImports: true,
    generatedCode: 'es2015',
  },
  treeshake: { moduleSideEffects: (id) => !id.includes('node_modules') || /webrtc-adapter|peerjs/.test(id) },
  plugins: [
    nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
    commonjs({ include: /node_modules/ }),
    esbuild({
      include: /\.[jt]s$/,
      exclude: [],
      target: 'es2022',
      tsconfig: 'tsconfig.json',
      minify: true,
      legalComments: 'none',
      sourceMap: true,
      define: { 'process.env.NODE_ENV': '"production"' },
    }),
    sizeReport(),
  ],
  onwarn(warning, warn) {
    if (warning.code === 'CIRCULAR_DEPENDENCY' && /node_modules/.test(warning.message)) return;
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
};
