import type { CorsOptions, CorsOptionsDelegate } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { Request } from 'express';

/** Only these paths are called from the Temporal Web UI's origin. */
const CODEC_PATH = /^\/codec(\/|$)/;

/**
 * CORS for the codec endpoint alone: the Temporal Web UI's origins may call /codec with the operator's
 * session cookie; every other route answers no browser origin (no Access-Control-Allow-* at all), so a page
 * on those origins cannot read tenant data with a key or cookie the browser holds.
 */
export function codecCors(uiOrigins: string[]): CorsOptionsDelegate<Request> {
  const codec: CorsOptions = {
    origin: uiOrigins,
    credentials: true,
    methods: ['POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'x-namespace'],
    maxAge: 600,
  };
  return (request, callback) => callback(null, CODEC_PATH.test(request.path) ? codec : { origin: false });
}
