import fc from 'fast-check';
import { adfToText, normalizeText, textToAdf, toCanonicalAdf } from '../../../libs/connectors/jira/adf';
import { canonicalDocument } from './adf-arbitraries';

const RUNS = 400;

describe('Custodian text <-> ADF round trips (property-based)', () => {
  it('generated documents are canonical, so the properties below test the converters, not the generator', () => {
    fc.assert(fc.property(canonicalDocument, (doc) => expect(toCanonicalAdf(doc)).toEqual(doc)), { numRuns: RUNS });
  });

  it('textToAdf(adfToText(doc)) deep-equals doc for canonical ADF', () => {
    fc.assert(fc.property(canonicalDocument, (doc) => expect(textToAdf(adfToText(doc))).toEqual(doc)), { numRuns: RUNS });
  });

  it('adfToText(textToAdf(text)) === normalizeText(text) for text in the subset, with noise that does not change its meaning', () => {
    const blankRun = fc.array(fc.constantFrom('', ' ', '\t', '  '), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(canonicalDocument, fc.array(blankRun, { minLength: 8, maxLength: 8 }), fc.boolean(), (doc, blanks, crlf) => {
        const blocks = doc.content.map((one) => adfToText({ version: 1, type: 'doc', content: [one] }));
        const canonical = adfToText(doc);
        expect(blocks.join('\n\n')).toBe(canonical);
        let noisy = blocks
          .map((text, index) => (index === 0 ? text : `\n${blanks[index % blanks.length].join('\n')}\n${text}`))
          .join('');
        noisy = `\n \n${noisy}  \n\n`;
        if (crlf) noisy = noisy.replace(/\n/g, '\r\n');
        expect(normalizeText(noisy)).toBe(canonical);
        expect(adfToText(textToAdf(noisy))).toBe(normalizeText(noisy));
        expect(adfToText(textToAdf(canonical))).toBe(canonical);
      }),
      { numRuns: RUNS },
    );
  });

  // Two links to one address side by side are one link in ADF, so "[" does not appear alone here.
  it('plain prose without backslashes comes back exactly as typed, whatever punctuation it holds', () => {
    // ADF does not combine code with bold or italic, so a line has code spans or emphasis, not both.
    const proseUnits = (withCode: boolean) =>
      'ab1 .,;:!?()]<>#-+=/@h'
        .split('')
        .concat(['https://', 'http://x.y', '[a]', ' [x](https://y.z)'])
        .concat(withCode ? ['`'] : ['*', '_', '**']);
    const proseLine = fc
      .tuple(fc.constantFrom(...'aZé日'.split('')), fc.boolean())
      .chain(([first, withCode]) => fc.string({ unit: fc.constantFrom(...proseUnits(withCode)), maxLength: 24 }).map((rest) => `${first}${rest}`.trimEnd()))
      // ``a`` is written back with the shortest fence, `a`; **a****b** and _a__b_ are one span in ADF;
      // _**a**_ is bold italic "a", written back as **_a_**.
      .filter((text) => !/``|\*\*\*\*|__|_\*\*.*\*\*_/.test(text));
    const prose = fc
      .array(fc.array(proseLine, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 })
      .map((paragraphs) => paragraphs.map((lines) => lines.join('\n')).join('\n\n'));
    fc.assert(fc.property(prose, (text) => expect(adfToText(textToAdf(text))).toBe(text)), { numRuns: RUNS * 2 });
  });
});
