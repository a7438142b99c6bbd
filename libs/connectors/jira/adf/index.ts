// Conversion between Custodian ticket text and Atlassian Document Format for Jira descriptions and comments.
export * from './adf-document';
export { textToAdf } from './text-to-adf';
export { adfToText } from './adf-to-text';
export { toCanonicalAdf } from './canonical-adf';
export { normalizeText } from './normalize-text';
export {
  attributionLine,
  withAttribution,
  withoutAttribution,
  withAttributionText,
  withoutAttributionText,
} from './comment-attribution';
