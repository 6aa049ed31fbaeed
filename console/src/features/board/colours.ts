import type { ImpactLevel, Severity } from '@tansiq/shared';

/** One colour per severity, used by the list, the markers and the legend alike. */
export const severityColour: Record<Severity, string> = {
  info: '#4f7396',
  low: '#2e7d32',
  medium: '#c99a06',
  high: '#e06100',
  critical: '#c0161b',
};

export const impactColour: Record<ImpactLevel, string> = {
  low: '#4c9a4c',
  medium: '#e0a21a',
  high: '#c62828',
};
