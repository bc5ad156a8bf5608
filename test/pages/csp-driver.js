// Runs inside the strict-CSP page (no inline script allowed): two widgets become friends
// and chat; the result and any CSP violation go to the parent test by postMessage.
const violations = [];
// Violations caused by this driver's own probe below are not the widget's.
document.addEventListener('securitypolicyviolation', (e) => {
  if (!String(e.sourceFile).endsWith('/csp-driver.js')) violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`);
});
// Proof that the policy is in force: eval is refused.
let evalBlocked = false;
try {
  (0, eval)('1');
} catch {
  evalBlocked = true;
}
const until = async (f, ms = 20000) => {
  const start = Date.now();
  while (!f()) {
    if (Date.now() - start > ms) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 50));
  }
};
async function run() {
  const env = await (await fetch('/__env')).json();
  const b = env.brokers.main;
  const make = (name) => {
    const el = document.createElement('friends-chat');
    el.setAttribute('profile', `csp-${name}-${Date.now()}`);
    el.setAttribute('storage', 'memory');
    el.setAttribute('signaling', `peerjs://127.0.0.1:${b.port}${b.path}?key=${b.key}`);
    el.setAttribute('ice-servers', '[]');
    document.body.append(el);
    return el;
  };
  await customElements.whenDefined('friends-chat');
  const alice = make('alice');
  const bob = make('bob');
  await Promise.all([alice.ready, bob.ready]);
  await until(() => alice.signalingState === 'online' && bob.signalingState === 'online');
  await bob.addFriend(await alice.createInvite());
  await until(() => alice.friends.some((f) => f.state === 'incoming'));
  await alice.acceptFriend(bob.profileId);
  await until(() => bob.friends.some((f) => f.state === 'friend' && f.presence === 'online'));
  await alice.sendMessage(bob.profileId, 'under a strict CSP');
  await alice.open(bob.profileId);
  let got = [];
  await until(() => {
    bob.history(alice.profileId).then((h) => (got = h.map((m) => m.text)));
    return got.length === 1;
  });
  const styled = getComputedStyle(alice.shadowRoot.querySelector('[part=base]')).borderTopStyle;
  await new Promise((r) => setTimeout(r, 100));
  return { got, styled, evalBlocked };
}
run().then(
  (result) => parent.postMessage({ csp: true, ok: true, result, violations }, '*'),
  (error) => parent.postMessage({ csp: true, ok: false, error: String(error), violations }, '*'),
);
