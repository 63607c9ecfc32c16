// How figures, times and statuses are worded for people (not programmers).

// 2e-5 -> "2.0 × 10⁻⁵ (about 1 in 50,000)". The rate is an estimate from the calibration:
// the fraction of comparisons with a stranger that come this close.
export function falseMatchRate(rate) {
  if (typeof rate !== 'number' || !Number.isFinite(rate)) return 'unknown';
  if (rate <= 0) return 'below what the calibration can measure';
  if (rate >= 0.5) return `${(rate * 100).toFixed(0)} % (no evidence of a match)`;
  const exponent = Math.floor(Math.log10(rate));
  const mantissa = rate / 10 ** exponent;
  const superscript = String(exponent).replace(/[-0-9]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)]);
  const oneIn = Number((1 / rate).toPrecision(2));  // an estimate: two significant digits
  return `${mantissa.toFixed(1)} × 10${superscript} (about 1 in ${oneIn.toLocaleString('en-US')})`;
}

export function distance(d) {
  return typeof d === 'number' ? d.toFixed(3) : 'unknown';
}

export function dateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

// Proposal statuses as the contract names them, and the words shown for them.
export const STATUS_LABELS = {
  proposed: 'Proposed: awaiting first review',
  awaiting_second_review: 'Awaiting second review',
  confirmed: 'Confirmed by two reviewers',
  rejected: 'Rejected',
};

export function statusLabel(status) {
  return STATUS_LABELS[status] || String(status);
}

export const ROLE_LABELS = {
  admin: 'administrator',
  analyst: 'analyst',
  reviewer: 'reviewer',
  auditor: 'auditor',
};
