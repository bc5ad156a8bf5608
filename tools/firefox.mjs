// How friends-chat starts Debian's Firefox ESR for tests: puppeteer-core over WebDriver BiDi,
// through web-test-runner's puppeteer launcher. The prefs let WebRTC connect on loopback alone
// (host candidates on 127.0.0.1, no mDNS names in their place, no ICE-TCP); the rest keep a
// closed network quiet.
import * as puppeteer from 'puppeteer-core';
import { chromeLauncher } from '@web/test-runner-chrome';

export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

export const FIREFOX_PREFS = {
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.peerconnection.ice.tcp': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.safebrowsing.update.enabled': false,
  'dom.min_background_timeout_value': 4,
};

/** puppeteer.launch() options for Firefox, also used by scripts that drive it directly. */
export const firefoxLaunchOptions = (extra = {}) => ({
  browser: 'firefox',
  protocol: 'webDriverBiDi',
  executablePath: FIREFOX_PATH,
  headless: true,
  extraPrefsFirefox: FIREFOX_PREFS,
  ...extra,
});

/** A web-test-runner launcher for Firefox (named "Firefox" in the report). */
export const firefoxLauncher = () => chromeLauncher({ puppeteer, launchOptions: firefoxLaunchOptions() });

/** Test files named on web-test-runner's command line (`npx web-test-runner test/x.test.ts`). */
function filesOnCommandLine(argv = process.argv.slice(2)) {
  return argv.filter((arg, i) => !arg.startsWith('-') && !/^(-c|--config)$/.test(argv[i - 1] ?? '') && /\.[mc]?[jt]s$|[*/]/.test(arg));
}

/**
 * Which browser runs what. Firefox runs the suites that exercise the browser itself (the
 * element, embedding, a11y, e2e and bundle suites, and the curves and Noise vectors: Ed25519
 * and X25519 are the browser's WebCrypto); Chromium runs everything. A run of named
 * files stays in Chromium unless FC_BROWSERS=firefox; FC_BROWSERS=chromium skips Firefox.
 */
export const FIREFOX_SUITES = ['test/elements/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/bundle/**/*.test.ts', 'test/crypto/**/*.test.ts', 'test/session/noise.test.ts'];

export function browserPlan({ chromium, files, testGroup }) {
  const only = process.env.FC_BROWSERS;
  if (only === 'firefox') return { files: filesOnCommandLine().length || testGroup ? files : FIREFOX_SUITES, browsers: [firefoxLauncher()], groups: [] };
  const full = !testGroup && only !== 'chromium' && filesOnCommandLine().length === 0;
  return { files, browsers: [chromium], groups: full ? [{ name: 'firefox', files: FIREFOX_SUITES, browsers: [firefoxLauncher()] }] : [] };
}
