import type { Actor, ReportPeriod } from '../pack/pack.types';

/** How packs print people, times and shares: UTC, minutes, one decimal. */

export function actorText(actor: Actor): string {
  return actor.label ? `${actor.label}` : actor.id;
}

export function dateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function day(iso: string): string {
  return iso.slice(0, 10);
}

export function periodText(period: ReportPeriod): string {
  return `${dateTime(period.from)} to ${dateTime(period.to)}`;
}

export function percent(value: number): string {
  return `${(value * 100).toFixed(value < 0.01 && value > 0 ? 2 : 1)}%`;
}
