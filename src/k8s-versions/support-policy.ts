/**
 * End-of-life dates derived from the upstream Kubernetes support policy, for branches no source gives one for yet
 * (a new minor, or a site that reaches only a Go module proxy). Upstream (kubernetes.io/releases/patch-releases)
 * supports a minor for about 14 months: 12 months of patch releases, then 2 months of maintenance mode, ending on
 * the 28th of the month. Every branch from 1.21 to 1.36 in the bundled data matches "28th of release month + 14"
 * to the day except 1.34 (one day earlier), so these are estimates, marked as such (`~`) wherever they are shown.
 */
import { addMonths, formatDay, parseDay } from './dates';

const SUPPORT_MONTHS = 14;
const MAINTENANCE_MONTHS = 12;
const END_DAY = 28;

function monthsAfterOn28th(releaseDate: string, months: number): string {
  const d = parseDay(releaseDate);
  return formatDay(addMonths(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), END_DAY)), months));
}

/** Estimated end of life of a minor released on `releaseDate` (YYYY-MM-DD). */
export function estimateEndOfLife(releaseDate: string): string {
  return monthsAfterOn28th(releaseDate, SUPPORT_MONTHS);
}

/** Estimated start of maintenance mode of a minor released on `releaseDate`. */
export function estimateMaintenanceModeStart(releaseDate: string): string {
  return monthsAfterOn28th(releaseDate, MAINTENANCE_MONTHS);
}
