import type { X509Certificate } from 'node:crypto';

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a certificate starts and stops being valid. */
export function validityPeriod(cert: X509Certificate): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
}

/** Whole days from `now` until the certificate expires; negative once it has. */
export function daysRemaining(cert: X509Certificate, now: Date): number {
  return Math.floor((validityPeriod(cert).notAfter.getTime() - now.getTime()) / DAY_MS);
}

/**
 * Why the certificate cannot be served at `now`, or undefined. `minDays` is
 * the least number of whole days that must be left.
 */
export function validityProblem(
  cert: X509Certificate,
  now: Date,
  minDays: number,
): string | undefined {
  const { notBefore, notAfter } = validityPeriod(cert);
  if (now < notBefore) {
    return `is not valid yet: it starts on ${notBefore.toISOString()}. Wait until then, or check the clock of the machine that issued it.`;
  }
  if (now > notAfter) {
    return `expired on ${notAfter.toISOString()}. Renew it and pass the new one.`;
  }
  const days = daysRemaining(cert, now);
  if (days < minDays) {
    return `expires on ${notAfter.toISOString()}, in ${days} day${days === 1 ? '' : 's'}, fewer than min-days-remaining (${minDays}). Renew it now, or lower min-days-remaining.`;
  }
  return undefined;
}
