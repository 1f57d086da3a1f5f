// Finds (and, where the machine allows, installs) the Chromium that tests and benchmarks drive.
// Playwright's own browser download does not work on our machines, so we always point it at a
// system Chromium (ENVIRONMENT.md).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Flags that make headless Chromium expose WebGPU through SwiftShader, and keep it off the network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const USUAL_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** The Chromium binary to use: `CHROMIUM_PATH`, else the first usual install path that exists, else undefined. */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new Error(
        `CHROMIUM_PATH is set to "${fromEnv}", but no file is there. Unset it or point it at a Chromium binary.`,
      );
    }
    return fromEnv;
  }
  return USUAL_PATHS.find((p) => existsSync(p));
}

function canAptInstall() {
  if (process.platform !== 'linux' || typeof process.getuid !== 'function' || process.getuid() !== 0)
    return false;
  return existsSync('/usr/bin/apt-get');
}

/**
 * Returns a Chromium path, installing Debian's/Ubuntu's `chromium` package first when none is
 * found and we are root on such a system. Otherwise throws with a message that says how to fix it.
 */
export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  if (canAptInstall()) {
    console.error('edgeflow: no Chromium found; installing it with apt-get (one time)…');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const installed = findChromium();
    if (installed) return installed;
  }
  throw new Error(
    'edgeflow: no Chromium found. Install one (Debian/Ubuntu: `sudo apt-get install chromium`; ' +
      'macOS: install Google Chrome) or set CHROMIUM_PATH to its binary, then run the command again.',
  );
}
