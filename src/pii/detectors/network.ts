import { isIPv4, isIPv6 } from 'node:net';
import type { Span } from '../types';

export function ipScore(value: string): number {
  if (value.length < 2 || value.length > 45) return 0;
  if (isIPv4(value)) return 0.9;
  // isIPv6 accepts "::" and "1::", which are not an address anyone holds.
  if (value.includes(':') && isIPv6(value) && value.replace(/[^0-9a-f]/gi, '').length >= 4) return 0.95;
  return 0;
}

const MAC = /^(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})$/;

export function macScore(value: string): number {
  return value.length >= 14 && value.length <= 17 && MAC.test(value) ? 0.95 : 0;
}

const IPV4_INSIDE = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/g;
const IPV6_INSIDE = /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])/g;
const MAC_INSIDE = /(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:-])/g;

export function findNetworkIds(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(IPV4_INSIDE)) if (isIPv4(m[0])) spans.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.85 });
  if (text.includes(':')) {
    for (const m of text.matchAll(MAC_INSIDE)) spans.push({ type: 'MAC_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.95 });
    for (const m of text.matchAll(IPV6_INSIDE)) {
      if (ipScore(m[0]) && !macScore(m[0])) spans.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.9 });
    }
  }
  return spans;
}
