/**
 * A system notification, only while the page is hidden and only once the user allowed
 * them (the permission is asked from the settings, after a click; never on load). A click
 * brings the page forward and runs `open`.
 */
export function notify(title: string, body: string, tag: string, open: () => void): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.visibilityState !== 'hidden') return;
  try {
    const shown = new Notification(title, { body, tag });
    shown.onclick = () => {
      window.focus();
      shown.close();
      open();
    };
  } catch {
    // Some browsers show notifications only from a service worker: then there are none.
  }
}

/** Asks for the permission (call it from a click); resolves whether notifications may show. */
export async function allowNotifications(): Promise<boolean> {
  if (typeof Notification === 'undefined') return false;
  return (Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission()) === 'granted';
}
