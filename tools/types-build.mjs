// The package's one declaration file, dist/friends-chat.d.ts, bundled by rollup-plugin-dts
// from the same entry as the bundle (src/index.ts), so the types describe exactly what the
// module exports, plus the `declare global` entries (the tag and every event) the sources hold.
import { dts } from 'rollup-plugin-dts';

/** Inferred Lit types point at `lit-html`, which a consumer does not depend on; `lit` re-exports it. */
const litHtmlViaLit = {
  name: 'lit-html-via-lit',
  resolveId: (id) => (id === 'lit-html' ? { id: 'lit', external: true } : null),
};

export const typesBuild = {
  input: 'src/index.ts',
  output: { file: 'dist/friends-chat.d.ts', format: 'es' },
  external: ['lit'],
  plugins: [litHtmlViaLit, dts({ tsconfig: 'tsconfig.json' })],
};
