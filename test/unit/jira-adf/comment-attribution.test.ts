import fc from 'fast-check';
import {
  adfToText,
  attributionLine,
  textToAdf,
  withAttribution,
  withAttributionText,
  withoutAttribution,
  withoutAttributionText,
} from '../../../libs/connectors/jira/adf';
import { canonicalDocument } from './adf-arbitraries';

const ticketRef = fc.integer({ min: 1, max: 9_999_999 }).map((n) => `CT-${String(n).padStart(6, '0')}`);

describe('Custodian attribution on comments synced to Jira', () => {
  it('adds a final paragraph naming the ticket, which Jira shows as a line of its own', () => {
    const doc = textToAdf('Restarted the pool.');
    expect(withAttribution(doc, 'CT-000123')).toEqual({
      version: 1,
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Restarted the pool.' }] },
        { type: 'paragraph', content: [{ type: 'text', text: '— synced from Custodian ticket CT-000123' }] },
      ],
    });
    expect(adfToText(withAttribution(doc, 'CT-000123'))).toBe('Restarted the pool.\n\n— synced from Custodian ticket CT-000123');
  });

  it('finds the ticket in a comment read back from Jira and removes only that paragraph', () => {
    const fromJira = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Done.' }] },
        { type: 'paragraph', content: [{ type: 'text', text: '— synced from Custodian ticket CT-004711' }] },
      ],
    };
    expect(withoutAttribution(fromJira)).toEqual({
      doc: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Done.' }] }] },
      ticketRef: 'CT-004711',
    });
  });

  it('leaves comments without the line alone: a person\'s comment, a line someone reformatted in Jira, a line not at the end', () => {
    const personal = textToAdf('Looks good to me');
    const reformatted = { ...personal, content: [...personal.content, { type: 'paragraph', content: [{ type: 'text', text: '— synced from Custodian ticket CT-000001', marks: [{ type: 'em' }] }] }] };
    const notLast = textToAdf(`${attributionLine('CT-000001')}\n\nand more`);
    for (const doc of [personal, reformatted, notLast, null, 'text', { content: 'x' }]) {
      expect(withoutAttribution(doc)).toEqual({ doc, ticketRef: null });
    }
    expect(withoutAttributionText('Looks good to me')).toEqual({ text: 'Looks good to me', ticketRef: null });
  });

  it('refuses to attribute to something that is not a ticket reference', () => {
    expect(() => attributionLine('CT-12; DROP')).toThrow('not a Custodian ticket reference');
  });

  it('removing the attribution from ADF gives back exactly the document it was added to', () => {
    fc.assert(
      fc.property(canonicalDocument, ticketRef, (doc, ref) => {
        expect(withoutAttribution(withAttribution(doc, ref))).toEqual({ doc, ticketRef: ref });
      }),
      { numRuns: 300 },
    );
  });

  it('removing the attribution from text gives back every character of any comment', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: fc.constantFrom('\n', '\r\n', ' ', '—', 'C', 'T', '-', '1'), maxLength: 8 }), ticketRef, (body, tail, ref) => {
        const comment = body + tail;
        expect(withoutAttributionText(withAttributionText(comment, ref))).toEqual({ text: comment, ticketRef: ref });
      }),
      { numRuns: 500 },
    );
  });

  it('text attributed in Custodian arrives in Jira as the comment plus the attribution paragraph, which comes off exactly', () => {
    fc.assert(
      fc.property(canonicalDocument, ticketRef, (doc, ref) => {
        expect(withoutAttribution(textToAdf(withAttributionText(adfToText(doc), ref)))).toEqual({ doc, ticketRef: ref });
      }),
      { numRuns: 300 },
    );
  });
});
