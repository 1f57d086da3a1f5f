// Issue 12: the device class is coarse (families and buckets), never a user agent string.
import { describe, expect, it } from 'vitest';
import { formatDeviceClass, gpuFamily, memoryBucket, osFamily } from '../../../src/telemetry/index.ts';

describe('device class', () => {
  it('maps GPU vendors to families', () => {
    expect(gpuFamily('nvidia', 'ampere')).toBe('nvidia');
    expect(gpuFamily('google', 'swiftshader')).toBe('software');
    expect(gpuFamily('ati technologies inc.')).toBe('amd');
    expect(gpuFamily('')).toBe('other');
    expect(gpuFamily(undefined)).toBe('none');
  });
  it('maps platforms to OS families (darwin is macOS, not Windows)', () => {
    expect(
      ['Windows', 'macOS', 'darwin', 'Linux x86_64', 'Android', 'iPhone', 'CrOS', 'Haiku'].map(osFamily),
    ).toEqual(['windows', 'macos', 'macos', 'linux', 'android', 'ios', 'chromeos', 'other']);
  });
  it('buckets memory and formats the class', () => {
    expect([0.5, 2, 4, 6, 8, 32, undefined].map(memoryBucket)).toEqual([1, 2, 4, 4, 8, 8, null]);
    expect(formatDeviceClass({ gpu: 'intel', memoryGiB: 8, os: 'windows' })).toBe(
      'gpu=intel;mem=8;os=windows',
    );
    expect(formatDeviceClass({ gpu: 'none', memoryGiB: null, os: 'linux' })).toBe(
      'gpu=none;mem=unknown;os=linux',
    );
  });
});
