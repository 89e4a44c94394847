// Money and dates in the merchant's locale (the browser's), money in its own currency.
const locale = (globalThis.navigator && navigator.language) || 'en-US';

export function money(minor, currency) {
  if (minor === null || minor === undefined) return '—';
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: currency || 'USD' });
  const digits = format.resolvedOptions().maximumFractionDigits;
  return format.format(minor / 10 ** digits);
}

export function date(iso) {
  if (!iso) return '—';
  // A bare date (2026-12-04) is a calendar day: show it as that day wherever the browser is.
  const value = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00`) : new Date(iso);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(value);
}

export function dateTime(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export const number = (value) => (value === null || value === undefined ? '—' : new Intl.NumberFormat(locale).format(value));

// A rate such as units a week: one decimal at most.
export const decimal = (value) => (value === null || value === undefined ? '—' : new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value));

export function days(count) {
  if (count === null || count === undefined) return '—';
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'day', unitDisplay: 'long', maximumFractionDigits: 1 }).format(count);
}

// A share (0..1) as a percentage; null when there was nothing to divide by.
export function percent(share) {
  if (share === null || share === undefined) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

// An analytics period is named by its first day: a day, the Monday of an ISO week, or the 1st.
export function period(iso, granularity) {
  const day = new Date(`${iso}T00:00:00`);
  if (granularity === 'month') return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric' }).format(day);
  const text = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(day);
  return granularity === 'week' ? `Week of ${text}` : text;
}

// The same period as a chart's axis tick: short enough to sit under a bar.
export function periodTick(iso, granularity) {
  const day = new Date(`${iso}T00:00:00`);
  const parts = granularity === 'month' ? { month: 'short', year: 'numeric' } : { month: 'short', day: 'numeric' };
  return new Intl.DateTimeFormat(locale, parts).format(day);
}
