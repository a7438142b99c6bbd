import { checkAttachmentContent } from '../../libs/tickets/attachment-content-types';

const bytes = (...values: number[]) => Buffer.from(values);
const ascii = (text: string) => Buffer.from(text, 'latin1');

describe('attachment content types: allow-list and magic bytes', () => {
  it.each([
    ['application/pdf', ascii('%PDF-1.7\n...')],
    ['image/png', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0)],
    ['image/jpeg', bytes(0xff, 0xd8, 0xff, 0xe0)],
    ['image/gif', ascii('GIF89a....')],
    ['image/webp', ascii('RIFF\x10\x00\x00\x00WEBPVP8 ')],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes(0x50, 0x4b, 0x03, 0x04, 0x14)],
    ['text/plain; charset=utf-8', Buffer.from('Grüße\r\n\tline two\n')],
    ['TEXT/CSV', ascii('a,b\n1,2\n')],
  ])('accepts %s with matching bytes', (declared, content) => {
    expect(checkAttachmentContent(declared, content).ok).toBe(true);
  });

  it.each([
    ['image/png', ascii('MZ\x90\x00')],
    ['image/webp', ascii('RIFF\x10\x00\x00\x00WAVEfmt ')],
    ['application/pdf', ascii('<html>%PDF-')],
    ['image/jpeg', bytes(0xff, 0xd8)],
    ['text/plain', ascii('ok\x00then binary')],
    ['text/plain', bytes(0xc3, 0x28)],
    ['application/json', ascii('\x1b[31mred')],
  ])('refuses %s whose bytes are not of that type', (declared, content) => {
    expect(checkAttachmentContent(declared, content)).toMatchObject({ ok: false, reason: 'content_mismatch' });
  });

  it.each(['text/html', 'image/svg+xml', 'application/x-msdownload', 'application/octet-stream', '', 'toString', '__proto__'])('refuses %j, which is not on the list', (declared) => {
    expect(checkAttachmentContent(declared, ascii('anything'))).toMatchObject({ ok: false, reason: 'not_allowed' });
  });
});
