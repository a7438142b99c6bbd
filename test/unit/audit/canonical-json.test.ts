import { canonicalJson } from '../../../libs/audit/canonical-json';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops whitespace, so equal values hash equally', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it("escapes strings exactly as JSON does and round-trips through JSON.parse", () => {
    const value = { text: 'line\nbreak "quoted" ünïcode \u2028 \\', n: -0.5, t: true, nothing: null };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it('writes dates as ISO strings and leaves out undefined properties', () => {
    expect(canonicalJson({ at: new Date('2026-01-02T03:04:05.678Z'), gone: undefined })).toBe('{"at":"2026-01-02T03:04:05.678Z"}');
  });

  it.each([[NaN], [Infinity], [BigInt(1)], [() => 1], [undefined]])('refuses %p, which JSON cannot carry exactly', (value) => {
    expect(() => canonicalJson({ value: [value] })).toThrow(TypeError);
  });
});
