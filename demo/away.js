// The demo's "Bob closes his page" button: takes Bob's widget out of the page (as closing
// the tab would) and puts it back, so offline delivery through the mailbox can be seen.
const button = document.getElementById('bob-away');
const bob = document.getElementById('bob');
const place = bob.parentElement;
button.addEventListener('click', () => {
  const away = bob.isConnected;
  if (away) bob.remove();
  else place.append(bob);
  button.textContent = away ? 'Bob opens his page again' : 'Bob closes his page';
});
