import { describe, expect, it } from 'vitest';
import { ipTargetHost } from './tls-target.js';

describe('ipTargetHost', () => {
  it.each([
    ['127.0.0.1:50055', '127.0.0.1'],
    ['10.0.0.5', '10.0.0.5'],
    ['ipv4:127.0.0.1:50055', '127.0.0.1'],
    ['dns:///127.0.0.1:50055', '127.0.0.1'],
    ['dns://8.8.8.8/10.1.2.3:50054', '10.1.2.3'],
    ['[::1]:50055', '::1'],
    ['ipv6:[::1]:50055', '::1'],
    ['ipv6:::1', '::1'],
  ])('finds the IP address %s dials: %s', (target, host) => {
    expect(ipTargetHost(target)).toBe(host);
  });

  it.each(['localhost:50055', 'chat:50054', 'dns:///chat:50054', 'ipv4:10.0.0.5:1,10.0.0.6:1', 'unix:/run/x.sock'])(
    'finds none in %s',
    (target) => {
      expect(ipTargetHost(target)).toBeUndefined();
    },
  );
});
