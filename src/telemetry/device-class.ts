// A coarse device class for the resource: GPU vendor family, memory bucket and OS family, e.g.
// `gpu=nvidia;mem=8;os=linux`. Deliberately coarse (a few dozen values fleet-wide) so it groups
// devices without fingerprinting them; never the user agent string.

/** GPU vendor families reported (anything else is `other`; no WebGPU adapter is `none`). */
export const GPU_FAMILIES = [
  'nvidia',
  'amd',
  'intel',
  'apple',
  'arm',
  'qualcomm',
  'software',
  'other',
  'none',
] as const;
/** OS families reported. */
export const OS_FAMILIES = ['windows', 'macos', 'linux', 'android', 'ios', 'chromeos', 'other'] as const;

/** The parts of a device class. */
export interface DeviceClass {
  gpu: (typeof GPU_FAMILIES)[number];
  /** Memory bucket in GiB: 1 (≤ 1), 2, 4 or 8 (≥ 8); null when the browser does not say. */
  memoryGiB: 1 | 2 | 4 | 8 | null;
  os: (typeof OS_FAMILIES)[number];
}

/** Maps a WebGPU adapter's vendor/architecture to a family. */
export function gpuFamily(vendor: string | undefined, architecture = ''): DeviceClass['gpu'] {
  const text = `${vendor ?? ''} ${architecture}`.toLowerCase();
  if (vendor === undefined) return 'none';
  if (/swiftshader|llvmpipe|lavapipe|software/.test(text)) return 'software';
  for (const family of ['nvidia', 'amd', 'intel', 'apple', 'arm', 'qualcomm'] as const) {
    if (text.includes(family)) return family;
  }
  if (text.includes('ati')) return 'amd';
  return 'other';
}

/** Maps a platform name (User-Agent Client Hints `platform`, or `navigator.platform`) to a family. */
export function osFamily(platform: string | undefined): DeviceClass['os'] {
  const text = (platform ?? '').toLowerCase();
  if (text.includes('android')) return 'android';
  if (/iphone|ipad|ios/.test(text)) return 'ios';
  if (text.includes('cros') || text.includes('chrome os')) return 'chromeos';
  // Before "win": Node's `darwin` contains it.
  if (text.includes('mac') || text.includes('darwin')) return 'macos';
  if (text.includes('win')) return 'windows';
  if (text.includes('linux')) return 'linux';
  return 'other';
}

/** Buckets `navigator.deviceMemory` (GiB, already rounded by the browser). */
export function memoryBucket(gib: number | undefined): DeviceClass['memoryGiB'] {
  if (gib === undefined || !Number.isFinite(gib)) return null;
  if (gib <= 1) return 1;
  if (gib <= 2) return 2;
  if (gib < 8) return 4;
  return 8;
}

/** The `edgeflow.device.class` attribute value. */
export function formatDeviceClass(device: DeviceClass): string {
  return `gpu=${device.gpu};mem=${device.memoryGiB ?? 'unknown'};os=${device.os}`;
}

interface NavigatorFacts {
  deviceMemory?: number;
  platform?: string;
  userAgentData?: { platform?: string };
  gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string } } | null> };
}

/** Probes the running browser or worker (read at call time). The GPU probe asks for an adapter, not a device. */
export async function detectDeviceClass(): Promise<DeviceClass> {
  const nav = (globalThis.navigator ?? {}) as NavigatorFacts;
  let gpu: DeviceClass['gpu'] = 'none';
  try {
    const adapter = (await nav.gpu?.requestAdapter()) ?? null;
    if (adapter !== null) gpu = gpuFamily(adapter.info?.vendor ?? '', adapter.info?.architecture ?? '');
  } catch {
    gpu = 'none';
  }
  return {
    gpu,
    memoryGiB: memoryBucket(nav.deviceMemory),
    os: osFamily(
      nav.userAgentData?.platform ??
        nav.platform ??
        (typeof process === 'object' ? process.platform : undefined),
    ),
  };
}
