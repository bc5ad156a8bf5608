// Bundles bench/bench-page.ts (the widget's sources plus the peerjs library, whole, as the
// raw baseline) for the benchmark page.
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';

export default {
  input: 'bench/bench-page.ts',
  output: { file: 'bench/tmp/bench.js', format: 'es', inlineDynamicImports: true },
  plugins: [
    nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
    commonjs({ include: /node_modules/ }),
    esbuild({ include: /\.[jt]s$/, exclude: [], target: 'es2022', tsconfig: 'tsconfig.json', minify: !process.env.BENCH_NO_MINIFY }),
  ],
  onwarn(warning, warn) {
    if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
};
