// The demo's group button: Alice, Bob and Carol become friends (through invites, as users
// would) and Alice starts a group with both; everything after that is the widgets' own UI.
const button = document.getElementById('start-group');
const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((p) => document.querySelector(`friends-chat[profile=${p}]`));

async function befriend(a, b) {
  if (a.friends.some((f) => f.id === b.profileId && f.state === 'friend')) return;
  const invite = await a.createInvite();
  await b.addFriend(invite);
  for (let i = 0; i < 100 && !a.friends.some((f) => f.id === b.profileId); i++) await new Promise((r) => setTimeout(r, 100));
  await a.acceptFriend(b.profileId);
}

button.addEventListener('click', async () => {
  button.disabled = true;
  try {
    await Promise.all([alice.ready, bob.ready, carol.ready]);
    await befriend(alice, bob);
    await befriend(alice, carol);
    await befriend(bob, carol);
    const group = await alice.createGroup('Alice, Bob and Carol', [bob.profileId, carol.profileId]);
    await alice.sendMessage(group.id, 'Hello both of you!');
    await alice.open(group.id);
    button.textContent = 'Group started';
  } catch (error) {
    button.disabled = false;
    button.textContent = `Could not start the group: ${error.message}`;
  }
});
