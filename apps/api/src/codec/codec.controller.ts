import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { OperatorOnly } from '../auth/access.decorators';
import { ApiError } from '../errors/api-error';
import { ApiRoute } from '../platform/api-route.decorator';
import { PAYLOAD_CODEC } from '../platform/platform.module';
import { CodecRequestDto, CodecResponseDto, type WirePayloadDto } from './codec-request.dto';
import { JsonContentTypeGuard } from './json-content-type.guard';

/**
 * Temporal's codec server protocol, so operators read (decrypted) payloads in the Web UI or the CLI
 * (`temporal workflow show --codec-endpoint <api>/codec --codec-auth "Bearer co_…"`). Operators only.
 */
@ApiTags('codec')
@ApiBearerAuth()
@ApiConsumes('application/json')
@UseGuards(JsonContentTypeGuard)
@Controller('codec')
export class CodecController {
  constructor(@Inject(PAYLOAD_CODEC) private readonly codec: PayloadCodec) {}

  @Post('decode')
  @HttpCode(200)
  @OperatorOnly({ allowCookie: true })
  @ApiRoute({
    summary: 'Decrypt payloads for display',
    description: "Temporal's remote codec protocol: the Web UI and the CLI send the encrypted payloads of a workflow's history and show what comes back. Only application/json is accepted (so no cross-site form can call it).",
    success: { status: 200, description: 'The payloads, decrypted, in order', type: CodecResponseDto },
    errors: [
      { status: 400, description: 'A payload is not valid base64, or does not decrypt' },
      { status: 415, description: 'The request is not Content-Type: application/json' },
    ],
  })
  async decode(@Body() body: CodecRequestDto) {
    return { payloads: (await this.run(() => this.codec.decode(body.payloads.map(fromWire)))).map(toWire) };
  }

  @Post('encode')
  @HttpCode(200)
  @OperatorOnly({ allowCookie: true })
  @ApiRoute({
    summary: 'Encrypt payloads (e.g. a signal sent from the UI)',
    description: "Temporal's remote codec protocol, the other way: encrypts what an operator sends from the Web UI or the CLI (a signal's arguments) before it reaches the server.",
    success: { status: 200, description: 'The payloads, encrypted, in order', type: CodecResponseDto },
    errors: [
      { status: 400, description: 'A payload is not valid base64, or cannot be encoded' },
      { status: 415, description: 'The request is not Content-Type: application/json' },
    ],
  })
  async encode(@Body() body: CodecRequestDto) {
    return { payloads: (await this.run(() => this.codec.encode(body.payloads.map(fromWire)))).map(toWire) };
  }

  private async run(work: () => Promise<Payload[]>): Promise<Payload[]> {
    try {
      return await work();
    } catch (error) {
      throw new ApiError(400, 'bad_request', `payloads could not be processed: ${(error as Error).name}`);
    }
  }
}

function fromWire(payload: WirePayloadDto): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(payload.metadata)) {
    if (typeof value !== 'string') throw new ApiError(400, 'validation_failed', `metadata.${key} must be base64`);
    metadata[key] = Buffer.from(value, 'base64');
  }
  return { metadata, data: payload.data === undefined ? undefined : Buffer.from(payload.data, 'base64') };
}

function toWire(payload: Payload): { metadata: Record<string, string>; data?: string } {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    if (value) metadata[key] = Buffer.from(value).toString('base64');
  }
  return { metadata, ...(payload.data ? { data: Buffer.from(payload.data).toString('base64') } : {}) };
}
