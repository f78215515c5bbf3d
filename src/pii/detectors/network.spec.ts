import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findNetworkIds, ipScore, macScore } from './network';

describe('IP address detector', () => {
  it('accepts IPv4 and IPv6', () => {
    for (const v of ['192.168.1.20', '8.8.8.8', '2001:db8::8a2e:370:7334', 'fe80::1ff:fe23:4567:890a']) assert.ok(ipScore(v) > 0.8, v);
  });

  it('rejects out-of-range octets, versions, times and bare "::"', () => {
    for (const v of ['256.1.1.1', '1.2.3', '10.0.0', '12:30:45', '::', '1::']) assert.equal(ipScore(v), 0, v);
  });
});

describe('MAC address detector', () => {
  it('accepts colon, dash and Cisco dotted forms', () => {
    for (const v of ['00:1A:2B:3C:4D:5E', '00-1a-2b-3c-4d-5e', '001a.2b3c.4d5e']) assert.ok(macScore(v) > 0.9, v);
  });

  it('rejects mixed separators, short and non-hex values', () => {
    for (const v of ['00:1A-2B:3C:4D:5E', '00:1A:2B:3C:4D', '00:1A:2B:3C:4D:5G']) assert.equal(macScore(v), 0, v);
  });

  it('finds both in text, without reading a MAC as IPv6', () => {
    const text = 'host 10.0.0.7 (mac 00:1A:2B:3C:4D:5E) via 2001:db8::1';
    assert.deepEqual(
      findNetworkIds(text).map((s) => `${s.type}:${text.slice(s.start, s.end)}`),
      ['IP_ADDRESS:10.0.0.7', 'MAC_ADDRESS:00:1A:2B:3C:4D:5E', 'IP_ADDRESS:2001:db8::1'],
    );
  });
});
