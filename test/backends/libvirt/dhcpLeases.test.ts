/** `virsh net-dhcp-leases` as libvirt 9 prints it (taken from a lab host with two guests). */
import { describe, expect, it } from 'vitest';
import { parseDhcpLeases } from '../../../lib/backends/libvirt/index.js';

const LISTING = ` Expiry Time           MAC address         Protocol   IP address          Hostname   Client ID or DUID
---------------------------------------------------------------------------------------------------------------------------------------------
 2026-12-06 09:57:21   52:54:00:97:64:03   ipv4       10.201.0.60/24      web        ff:00:97:64:03:00:01:00:01:32:a7:df:ec:52:54:00:97:64:03
 2026-12-06 09:57:21   52:54:00:FB:C7:79   ipv4       10.201.0.221/24     -          -
 2026-12-06 09:57:21   52:54:00:aa:bb:cc   ipv6       fd00::5/64          db         00:04:aa
`;

describe('DHCP leases', () => {
  it('gives each IPv4 lease its MAC (lowercase), address without prefix, and hostname when there is one', () => {
    expect(parseDhcpLeases(LISTING)).toEqual([
      { mac: '52:54:00:97:64:03', ipv4: '10.201.0.60', hostname: 'web' },
      { mac: '52:54:00:fb:c7:79', ipv4: '10.201.0.221' },
    ]);
  });

  it('finds none in an empty listing or an error message', () => {
    expect(parseDhcpLeases('')).toEqual([]);
    expect(parseDhcpLeases("error: failed to get network 'x'\nerror: Network not found")).toEqual([]);
  });
});
