/**
 * Sums `usageMetadata` reports into session totals. Counts arrive as numbers (or, in some
 * protobuf JSON encodings, numeric strings); anything else counts as zero.
 */
import type { UsageTotals } from './types.ts';
import type { UsageMetadata } from './wire.ts';

/** Totals of a session that has seen no usage yet. */
export const EMPTY_USAGE: UsageTotals = Object.freeze({
  promptTokenCount: 0,
  responseTokenCount: 0,
  totalTokenCount: 0,
  cachedContentTokenCount: 0,
  toolUsePromptTokenCount: 0,
  thoughtsTokenCount: 0,
  promptByModality: Object.freeze({}),
  responseByModality: Object.freeze({}),
  reports: 0,
});

/** Accumulates usage; every change produces a new frozen totals object. */
export class UsageTracker {
  private totals: UsageTotals = EMPTY_USAGE;

  /** Current totals. */
  get total(): UsageTotals {
    return this.totals;
  }

  /** Adds one report and returns the new totals. */
  handleUsage(usage: UsageMetadata): UsageTotals {
    const t = this.totals;
    this.totals = Object.freeze({
      promptTokenCount: t.promptTokenCount + count(usage.promptTokenCount),
      responseTokenCount: t.responseTokenCount + count(usage.responseTokenCount),
      totalTokenCount: t.totalTokenCount + count(usage.totalTokenCount),
      cachedContentTokenCount: t.cachedContentTokenCount + count(usage.cachedContentTokenCount),
      toolUsePromptTokenCount: t.toolUsePromptTokenCount + count(usage.toolUsePromptTokenCount),
      thoughtsTokenCount: t.thoughtsTokenCount + count(usage.thoughtsTokenCount),
      promptByModality: addDetails(t.promptByModality, usage.promptTokensDetails),
      responseByModality: addDetails(t.responseByModality, usage.responseTokensDetails),
      reports: t.reports + 1,
    });
    return this.totals;
  }
}

function count(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

function addDetails(
  into: Readonly<Record<string, number>>,
  details: UsageMetadata['promptTokensDetails'],
): Readonly<Record<string, number>> {
  if (!Array.isArray(details) || details.length === 0) return into;
  const out: Record<string, number> = { ...into };
  for (const d of details) {
    const modality = typeof d?.modality === 'string' ? d.modality : 'UNSPECIFIED';
    out[modality] = (out[modality] ?? 0) + count(d?.tokenCount);
  }
  return Object.freeze(out);
}
