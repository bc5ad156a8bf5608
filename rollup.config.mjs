// One self-contained, minified ES module: lit, peerjs, @noble/*, idb-keyval and our code.
// Reproducible: no timestamps, no absolute paths, deterministic chunking (there is one chunk).
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';

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
  ],
  onwarn(warning, warn) {
    if (warning.code === 'CIRCULAR_DEPENDENCY' && /node_modules/.test(warning.message)) return;
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
};
