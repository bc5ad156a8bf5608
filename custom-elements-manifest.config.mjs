// custom-elements.json is generated from the elements' JSDoc (npm run analyze).
// The plugin keeps the manifest to the public contract: internal state (`_x`) and the
// unnamed events the analyzer infers from `dispatchEvent(new X())` calls are dropped;
// the named events come from the `@event` tags.
function publicContractOnly() {
  return {
    name: 'friends-chat-public-contract',
    packageLinkPhase({ customElementsManifest }) {
      // The analyzer visits files in glob order, which varies: sort for a stable file.
      customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      for (const mod of customElementsManifest.modules) {
        for (const decl of mod.declarations ?? []) {
          if (decl.attributes) decl.attributes = decl.attributes.filter((a) => !a.name.startsWith('_'));
          if (decl.members) decl.members = decl.members.filter((m) => !m.name.startsWith('_') && !m.name.startsWith('#') && m.privacy !== 'private');
          if (decl.events) decl.events = decl.events.filter((e) => e.name && e.name.startsWith('friends-chat-'));
        }
      }
    },
  };
}

export default {
  // The public surface only: the elements, their events and errors, and the entry points.
  globs: ['src/elements/**/*.ts', 'src/events/**/*.ts', 'src/errors.ts', 'src/index.ts', 'src/friends-chat.ts'],
  // Models, controllers, the view template and internal events are not elements.
  exclude: ['src/**/*.styles.ts', 'src/**/*.view.ts', 'src/elements/models/**', 'src/elements/controllers/**', 'src/elements/ui-event.ts', 'src/elements/translation-context.ts'],
  litelement: true,
  // package.json names custom-elements.json itself; the analyzer must not rewrite it (the
  // freshness check runs it with another --outdir, which it would write there instead).
  packagejson: false,
  plugins: [publicContractOnly()],
};
