// Custodian text (the subset defined in custodian-text-syntax.ts) to ADF.
import { AdfDocument } from './adf-document';
import { toCanonicalAdf } from './canonical-adf';
import { readTextBlocks } from './text-block-reader';

export function textToAdf(text: string): AdfDocument {
  return toCanonicalAdf({ version: 1, type: 'doc', content: readTextBlocks(text).blocks });
}
