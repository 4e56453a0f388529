/** libvirt's size units (`unit='KiB'` etc.) to bytes, and the MiB <-> KiB conversions models use. */
import { LibvirtXmlParseError } from './errors.js';

const KIB = 1024;

const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  bytes: 1,
  KB: 1000,
  k: KIB,
  K: KIB,
  KiB: KIB,
  MB: 1000 ** 2,
  m: KIB ** 2,
  M: KIB ** 2,
  MiB: KIB ** 2,
  GB: 1000 ** 3,
  g: KIB ** 3,
  G: KIB ** 3,
  GiB: KIB ** 3,
  TB: 1000 ** 4,
  t: KIB ** 4,
  T: KIB ** 4,
  TiB: KIB ** 4,
  PB: 1000 ** 5,
  p: KIB ** 5,
  P: KIB ** 5,
  PiB: KIB ** 5,
  EB: 1000 ** 6,
  e: KIB ** 6,
  E: KIB ** 6,
  EiB: KIB ** 6,
};

/** A scaled integer as libvirt writes it: `value` in `unit` (default `defaultUnit`), in bytes. */
export function toBytes(value: string, unit: string | undefined, defaultUnit: string, where: string): number {
  const factor = UNIT_BYTES[unit ?? defaultUnit];
  if (factor === undefined) throw new LibvirtXmlParseError(`${where}: unknown unit "${unit}"`);
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) throw new LibvirtXmlParseError(`${where}: "${value}" is not a whole number`);
  return Number(trimmed) * factor;
}

export function bytesToMiB(bytes: number): number {
  return bytes / KIB / KIB;
}

export function mibToKiB(mib: number): number {
  return mib * KIB;
}
