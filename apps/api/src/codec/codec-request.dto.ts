import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBase64, IsObject, IsOptional, ValidateNested } from 'class-validator';

export class WirePayloadDto {
  @ApiProperty({ description: 'Metadata values, base64', type: 'object', additionalProperties: { type: 'string' } })
  @IsObject()
  metadata!: Record<string, string>;

  @ApiProperty({ description: 'Payload bytes, base64', required: false })
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
