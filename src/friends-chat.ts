import { FriendsChatElement } from './elements/friends-chat.js';

/** Registers `<friends-chat>` once; a second copy of the bundle on the page is harmless. */
if (!customElements.get('friends-chat')) customElements.define('friends-chat', FriendsChatElement);

export { FriendsChatElement };
