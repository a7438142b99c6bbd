import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiErrorBody } from './api-error';

/**
 * A request Node's HTTP parser refuses (headers over its 16 KB limit, a malformed request line or header) never
 * reaches Express. Node would answer it with a bare status line and no body; this answers in the error shape
 * instead, as every other refusal does.
 */
export function answerUnparsableRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex & { _httpMessage?: { headersSent?: boolean } }) => {
    // Nothing can be written to a connection the client has closed, or whose response has begun (Node's own rule).
    if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const body: ApiErrorBody =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? { statusCode: 431, code: 'bad_request', message: 'the request headers are too large (16 KB at most in all)' }
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? { statusCode: 408, code: 'bad_request', message: 'the request did not arrive in time' }
          : { statusCode: 400, code: 'bad_request', message: 'the request is not well-formed HTTP' };
    // An answer to HEAD has no body; the request line is at the start of the bytes the parser failed on.
    const json = error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ' ? '' : JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${body.statusCode} ${STATUS_CODES[body.statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  });
}
