/**
 * The equiripple designs createResampler uses for the usual rate pairs, designed at build time by
 * remez.ts: `live-agent/dsp` starts without designing these filters (hundreds of ms on a slow
 * machine). A design not stored gives null, and createResampler runs remez.ts for it. (The SDK's
 * own pipes use Kaiser designs only: see createDefaultResampler.) Regenerate with
 * `node --import tsx scripts/stored-designs.ts`; a unit test checks that the stored prototypes are
 * remez.ts's, rounded.
 */
import { prototypeTable, type EquirippleDesigner, type PhaseTable } from './phase-table.ts';
import { STORED_DESIGNS } from './stored-designs.data.ts';

/**
 * Coefficients are stored as integer multiples of 2⁻²¹: the rounding error stays near −120 dB,
 * far below the 93 dB stopband, and integers compress to about 60% of float32 bytes.
 */
export const STEP = 2 ** -21;

const tables = new Map<string, PhaseTable>();

/** The key a design is stored under (its phases, band edges and deviations, as numbers print). */
export const designKey = (...args: Parameters<EquirippleDesigner>): string => args.join('|');

export const storedTable: EquirippleDesigner = (...args) => {
  const key = designKey(...args);
  const data = STORED_DESIGNS[key];
  if (!data) return null;
  let table = tables.get(key);
  if (!table)
    tables.set(
      key,
      (table = prototypeTable(
        args[0],
        data.map((v) => v * STEP),
      )),
    );
  return table;
};
