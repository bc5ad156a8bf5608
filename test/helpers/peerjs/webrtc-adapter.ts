/**
 * Stands in for `webrtc-adapter` inside the peerjs library that tests load
 * (web-test-runner.config.mjs). PeerJS only reads `browserDetails` from it, to refuse
 * browsers too old for WebRTC; the adapter's polyfills are for such browsers and for
 * media. The detection follows the adapter's: the vendor's API first, then the version in the UA.
 */
function detect(): { browser: string; version: number | null } {
  if (typeof window === 'undefined' || typeof navigator === 'undefined') return { browser: 'Not a browser.', version: null };
  const ua = navigator.userAgent;
  const version = (pattern: RegExp, group: number): number | null => {
    const match = pattern.exec(ua);
    return match ? Number.parseInt(match[group]!, 10) : null;
  };
  if ('mozGetUserMedia' in navigator) return { browser: 'firefox', version: version(/Firefox\/(\d+)\./, 1) };
  if ('webkitGetUserMedia' in navigator || (window.isSecureContext === false && 'webkitRTCPeerConnection' in window)) {
    return { browser: 'chrome', version: version(/Chrom(e|ium)\/(\d+)\./, 2) };
  }
  if ('RTCPeerConnection' in window && /AppleWebKit\/(\d+)\./.test(ua)) return { browser: 'safari', version: version(/AppleWebKit\/(\d+)\./, 1) };
  return { browser: 'Not a supported browser.', version: null };
}

const adapter = { browserDetails: detect() };
export default adapter;
