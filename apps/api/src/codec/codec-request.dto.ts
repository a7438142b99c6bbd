import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBase64, IsObject, IsOptional, ValidateNested } from 'class-validator';

export class WirePayloadDto {
  @ApiProperty({ description: 'Metadata values, base64', type: 'object', additionalProperties: { type: 'string' }, example: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==' } })
  @IsObject()
  metadata!: Record<string, string>;

  @ApiProperty({ description: 'Payload bytes, base64', required: false, example: 'CiQ2YjE4ZjBmMC0xYzNhLTRkN2ItOWM2Mi0xZjhlM2E1YjdjOWQ=' })
  @IsOptional()
  @IsBase64()
  data?: string;
}

/** Temporal's remote codec protocol: { payloads: [{ metadata: { k: base64 }, data: base64 }] }. */
export class CodecRequestDto {
  @ApiProperty({ type: [WirePayloadDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => WirePayloadDto)
  payloads!: WirePayloadDto[];
}

/** The same protocol's answer: the payloads decoded (or encoded), in order. */
export class CodecResponseDto {
  @ApiProperty({ type: [WirePayloadDto], example: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'eyJ0aWNrZXRSZWYiOiJDVC0wMDAxMjMifQ==' }] })
  payloads!: WirePayloadDto[];
}
